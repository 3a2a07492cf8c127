"""The inbox: every update a platform delivered, kept from its arrival until it has been handled."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.clock import utcnow

PENDING = "pending"  # stored, not yet handled (or its handling failed)
DONE = "done"        # handled: its turn committed, or it needed no turn


class InboundUpdate(SQLModel, table=True):
    """One update as the platform delivered it (verified, decrypted), keyed like processed_update."""

    __tablename__ = "inbound_update"
    __table_args__ = (Index("ix_inbound_update_due", "status", "lease_until"),)

    channel: str = Field(primary_key=True, max_length=20)
    update_key: str = Field(primary_key=True, max_length=160)
    payload: str  # JSON: what the channel needs to handle the update again
    status: str = Field(default=PENDING, max_length=10)
    attempts: int = 0  # times a sweep took it over from a worker whose lease ran out
    lease_until: NaiveDatetime  # until then the worker that holds it retries it; after, any worker may
    claimed_by: str = Field(default="", max_length=64)
    received_at: NaiveDatetime = Field(default_factory=utcnow)
    done_at: NaiveDatetime | None = None
