"""请假: a resident skips one session of a course and keeps the place in it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from store.clock import utcnow
from store.insert_new import dialect_insert
from store.models import ClassSession, Enrolment, SessionLeave
from store.models.enrolment import CONFIRMED


@dataclass(frozen=True)
class LeaveResult:
    """What a leave request did: status is recorded, already, started, not_enrolled or not_found."""

    status: str
    course_id: int | None = None


def confirmed_enrolment(session: Session, course_id: int, resident_id: int) -> Enrolment | None:
    """The resident's confirmed place in a course (not a waiting-list one)."""
    return session.exec(
        select(Enrolment).where(Enrolment.course_id == course_id,
                                Enrolment.resident_id == resident_id,
                                Enrolment.status == CONFIRMED)
    ).first()


def on_leave(session: Session, session_id: int, resident_id: int) -> bool:
    """True when the resident has taken leave from this session."""
    return session.exec(
        select(SessionLeave.id).where(SessionLeave.session_id == session_id,
                                      SessionLeave.resident_id == resident_id)
    ).first() is not None


def take_leave(session: Session, session_id: int, resident_id: int,
               now: datetime | None = None) -> LeaveResult:
    """Record leave from one session the resident holds a seat in; a repeat says already."""
    cls = session.get(ClassSession, session_id)
    if cls is None:
        return LeaveResult("not_found")
    if confirmed_enrolment(session, cls.course_id, resident_id) is None:
        return LeaveResult("not_enrolled", cls.course_id)
    if cls.starts_at <= (now or utcnow()):
        return LeaveResult("started", cls.course_id)
    stmt = dialect_insert(session)(SessionLeave).values(
        session_id=session_id, resident_id=resident_id, created_at=now or utcnow(),
    ).on_conflict_do_nothing(index_elements=["session_id", "resident_id"]).returning(SessionLeave.id)
    inserted = session.execute(stmt).first() is not None
    return LeaveResult("recorded" if inserted else "already", cls.course_id)