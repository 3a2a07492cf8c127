"""有新课/有名额时提醒我: a resident's wish to hear of a new course in a category or a free seat."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow

NEW_COURSE = "category"  # target is a category id: every new course in it is announced
FREE_SEAT = "course"  # target is a course id: the first free seat is announced, once


class Watch(SQLModel, table=True):
    """One resident watching one category or one course."""

    __table_args__ = (UniqueConstraint("resident_id", "kind", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    kind: str = Field(max_length=20)
    target_id: int = Field(index=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    # When a free-seat watch was answered; starting it again opens the next round, and a push is
    # owed once per round.
    fired_at: NaiveDatetime | None = None
    round: int = 0
