"""What the tick asks of the dialogs about a push: when it may go, what it says, what to remember."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from bot.messages import Reply
from store.db import Database
from store.models import ChannelAccount, OutboxMessage


class PushRules(Protocol):
    """The rules of pushes; the tick only plans, claims, sends and records."""

    def plan_due(self, db: Database, now: datetime) -> int:
        """Write the rows of the pushes written only once due (reminders, polls) that fell due by now;
        how many."""

    def allowed_at(self, due_at: datetime, urgent: bool) -> datetime:
        """When a push due at due_at (naive UTC) may go out (quiet hours hold non-urgent ones)."""

    def render(self, session: Session, row: OutboxMessage, account: ChannelAccount,
               now: datetime) -> Reply | None:
        """The reply a {"render": …} row stands for now, or None when it is obsolete."""

    def remember(self, session: Session, sent: list[tuple[int, Reply]]) -> None:
        """After pushes with choices were sent (account id, reply): a typed number answers them."""
