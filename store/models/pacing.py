"""Send pacing every worker shares: one virtual-time bucket per limit (overall, a chat, a member)."""
from __future__ import annotations

from sqlmodel import Field, SQLModel


class SendPace(SQLModel, table=True):
    """A bucket's theoretical next free slot, in seconds since the epoch (the database's clock)."""

    __tablename__ = "send_pace"

    key: str = Field(primary_key=True, max_length=200)
    next_free: float = 0.0
    updated_at: float = 0.0  # when a reservation last touched it: idle rows are forgotten
