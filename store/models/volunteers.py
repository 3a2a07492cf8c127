"""Volunteers, the points ledger (为民银行), rewards and their redemptions."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from store.clock import utcnow

PENDING = "pending"
ACTIVE = "active"
PAUSED = "paused"
LEFT = "left"
REJECTED = "rejected"
VOLUNTEER_STATUSES = (PENDING, ACTIVE, PAUSED, LEFT, REJECTED)

MANUAL = "manual"  # source of entries an organizer writes by hand; any number of them
# Every other source (order:7, session:12, redeem:3) counts once per resident.
AUTOMATIC_SOURCE = text("source <> 'manual'")

REQUESTED = "requested"
HANDED_OUT = "handed_out"


class Volunteer(SQLModel, table=True):
    """A resident's volunteer registration and where it stands."""

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", unique=True)
    name: str = Field(max_length=20)
    community: str = Field(max_length=30, index=True)
    skills: str = Field(default="", max_length=100)
    available: str = Field(default="", max_length=60)
    status: str = Field(default=PENDING, max_length=10, index=True)
    note: str = Field(default="", max_length=100)  # why a registration was not approved
    approved_by: str = Field(default="", max_length=100)
    decided_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class PointEntry(SQLModel, table=True):
    """One line of the append-only points ledger; a balance is the sum of a resident's lines."""

    __tablename__ = "point_entry"
    __table_args__ = (
        Index("uq_point_entry_source", "resident_id", "source", unique=True,
              sqlite_where=AUTOMATIC_SOURCE, postgresql_where=AUTOMATIC_SOURCE),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    points: int
    minutes: int = 0  # service time behind the points
    reason: str = Field(default="", max_length=100)
    source: str = Field(max_length=60)
    created_by: str = Field(default="", max_length=100)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class Reward(SQLModel, table=True):
    """Something volunteers exchange points for."""

    __table_args__ = (CheckConstraint("stock >= 0", name="ck_reward_stock"),
                      CheckConstraint("points > 0", name="ck_reward_points"))

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=40)
    points: int
    stock: int = 0
    active: bool = True
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class Redemption(SQLModel, table=True):
    """A reward exchanged for points, waiting to be handed out or already handed out."""

    id: int | None = Field(default=None, primary_key=True)
    reward_id: int = Field(foreign_key="reward.id", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    points: int
    status: str = Field(default=REQUESTED, max_length=12, index=True)
    handed_out_by: str = Field(default="", max_length=100)
    handed_out_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)
