"""People in conversation tests: a console chat that has said hello, with a staff role if given."""
from __future__ import annotations

from bot.dialogs.engine import Dialogs
from bot.handlers.console import ConsoleChat
from store.people import get_or_create_account
from store.roles import grant_role


def console_person(dialogs: Dialogs, user: str, role: str | None = None) -> ConsoleChat:
    """A console user who has opened the chat (and holds role everywhere, when given)."""
    chat = ConsoleChat(dialogs, user)
    chat.say("/start")
    if role:
        with dialogs.db.session() as s:
            account, _ = get_or_create_account(s, "console", user)
            grant_role(s, account.resident_id, role)
    return chat
