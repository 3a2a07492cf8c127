"""Where dialog state lives: one row per account and chat."""
from __future__ import annotations

from bot.messages import Incoming
from store.models.dialog import PRIVATE_CHAT


def chat_of(incoming: Incoming) -> str:
    """The chat key of the state an update reads and writes: the private chat, or the group's id."""
    return PRIVATE_CHAT if incoming.in_private else incoming.chat_id
