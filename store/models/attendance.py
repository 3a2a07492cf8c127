"""Attendance: a session's roll (with its check-in code) and who was present."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.clock import utcnow

MARKED = "roll"       # marked present by the teacher or staff
CHECKED_IN = "checkin"  # checked in by the resident with the session's code


class SessionRoll(SQLModel, table=True):
    """One held session's roll: its check-in code, and when presence was first taken."""

    __tablename__ = "session_roll"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="class_session.id", unique=True)
    code: str = Field(unique=True, max_length=12)
    # None until someone is marked or checks in: only then does the roll count for 人次.
    taken_at: NaiveDatetime | None = None
    taken_by: int | None = Field(default=None, foreign_key="resident.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class Attendance(SQLModel, table=True):
    """One resident present at one session; the unique index keeps anyone from counting twice."""

    __table_args__ = (Index("uq_attendance", "session_id", "resident_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="class_session.id", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    source: str = Field(max_length=10)
    marked_by: int | None = Field(default=None, foreign_key="resident.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)
