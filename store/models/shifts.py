"""Volunteer shifts (值班): what an organizer posts, and who signed up, came and left."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow

SIGNED = "signed"
WITHDRAWN = "withdrawn"


class Shift(SQLModel, table=True):
    """A shift: when, where, how many people, and the code volunteers check in and out with."""

    __table_args__ = (CheckConstraint("taken >= 0 AND taken <= capacity", name="ck_shift_taken"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=40)
    place: str = Field(max_length=40)
    starts_at: NaiveDatetime = Field(index=True)
    ends_at: NaiveDatetime
    capacity: int
    taken: int = 0  # places signed up for; the counter the database checks against capacity
    code: str = Field(max_length=12, unique=True)
    created_by: int | None = Field(default=None, foreign_key="resident.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class ShiftSignup(SQLModel, table=True):
    """One volunteer on one shift: signed up (or withdrawn), checked in, checked out."""

    __tablename__ = "shift_signup"
    __table_args__ = (UniqueConstraint("shift_id", "resident_id", name="uq_shift_signup"),)

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    status: str = Field(default=SIGNED, max_length=10)
    checked_in_at: NaiveDatetime | None = None
    checked_out_at: NaiveDatetime | None = None
    minutes: int = 0  # service time credited at check-out
    created_at: NaiveDatetime = Field(default_factory=utcnow)
