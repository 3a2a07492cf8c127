"""Sign-ups: a confirmed place or a waiting-list place in a course."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from store.clock import utcnow

CONFIRMED = "confirmed"
WAITING = "waiting"
CANCELLED = "cancelled"
APPLIED = "applied"  # an enrolment waiting for a lottery's draw: holds no seat and no queue place
STATUSES = (CONFIRMED, WAITING, CANCELLED, APPLIED)


class Enrolment(SQLModel, table=True):
    """One resident's place in one course; queue_no orders the waiting list."""

    __table_args__ = (
        # A resident holds at most one live place per course, whatever races happen.
        Index(
            "uq_enrolment_live", "course_id", "resident_id", unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_enrolment_course_status", "course_id", "status", "queue_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id")
    resident_id: int = Field(foreign_key="resident.id", index=True)
    status: str = Field(max_length=12)
    queue_no: int = 0
    party: int = 1  # seats this place takes: the resident and their companions
    reminders_on: bool = True  # the resident's own switch for this course
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
    # The history 人次 is counted from: when the seat was held (at sign-up, or when promoted
    # from the waiting list) and when it was given up. A cancelled row is kept, never deleted.
    confirmed_at: NaiveDatetime | None = None
    cancelled_at: NaiveDatetime | None = None
    proxy_by: int | None = Field(default=None, foreign_key="resident.id")  # 代办: who signed them up


class SessionLeave(SQLModel, table=True):
    """A resident's leave (请假) from one session of a course they are enrolled in."""

    __tablename__ = "session_leave"
    __table_args__ = (Index("uq_session_leave", "session_id", "resident_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="class_session.id")
    resident_id: int = Field(foreign_key="resident.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    proxy_by: int | None = Field(default=None, foreign_key="resident.id")  # 代办: who took the leave
