"""Satisfaction ratings: one 优/良/中/差 per resident per class session."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow

GRADES = ("优", "良", "中", "差")
COMMENT_LIMIT = 500


class Rating(SQLModel, table=True):
    """A resident's grade for one session; the teacher is kept as it was on that day."""

    __table_args__ = (
        UniqueConstraint("session_id", "resident_id", name="uq_rating_session_resident"),
        CheckConstraint("grade in ('优', '良', '中', '差')", name="ck_rating_grade"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="class_session.id", index=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    teacher: str = Field(default="", max_length=60, index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    grade: str = Field(max_length=2)
    comment: str = Field(default="", max_length=COMMENT_LIMIT)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
