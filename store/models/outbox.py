"""The outbox: every push the bot owes someone is one row."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.clock import utcnow

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
DEAD = "dead"
SKIPPED = "skipped"  # obsolete when its turn came (e.g. the session was cancelled): not sent
HELD = "held"  # the channel cannot deliver it now: waits until the resident writes again


class OutboxMessage(SQLModel, table=True):
    """A push due at due_at to one channel account; idem_key makes it happen once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idem_key: str = Field(unique=True, max_length=160)
    kind: str = Field(max_length=30)
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="channel_account.id")
    payload: str  # JSON of a Reply
    due_at: NaiveDatetime
    urgent: bool = False
    status: str = Field(default=PENDING, max_length=10)
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    lease_until: NaiveDatetime | None = None
    claimed_by: str | None = Field(default=None, max_length=64)  # worker holding the lease
    sent_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)
