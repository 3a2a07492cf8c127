"""The dialogs' rules of pushes, handed to the outbox tick: quiet hours, rendering, remembered choices."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.dialogs.context import remember_choices
from bot.dialogs.pushes.planner import plan_due_pushes
from bot.dialogs.pushes.render import render_push
from bot.dialogs.pushes.quiet_hours import next_allowed
from bot.messages import Reply
from bot.settings import Settings
from store.db import Database
from store.dialog_state import change_state_data
from store.models import ChannelAccount, OutboxMessage


class DialogPushRules:
    """PushRules as the dialogs define them."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def plan_due(self, db: Database, now: datetime) -> int:
        """Reminders and polls that fell due by now, written for everyone owed them."""
        return plan_due_pushes(db, self.settings, now)

    def allowed_at(self, due_at: datetime, urgent: bool) -> datetime:
        """Urgent pushes at once, others after quiet hours."""
        return next_allowed(due_at, self.settings, urgent)

    def render(self, session: Session, row: OutboxMessage, account: ChannelAccount,
               now: datetime) -> Reply | None:
        """The resident-facing reply of a {"render": …} row, or None when it is obsolete."""
        return render_push(session, self.settings, row, account, now)

    def remember(self, session: Session, sent: list[tuple[int, Reply]]) -> None:
        """Keep each push's choices in its account's dialog state, so a typed number answers it."""
        replies = dict(sent)
        change_state_data(session, replies, lambda account_id, data: remember_choices(
            data, [replies[account_id]]))
