"""The course pushes' plan: how far it reaches, the sessions whose pushes fall due next, and who is
owed them.

Reminders and polls become outbox rows when they fall due, for everyone holding a seat then
(bot.dialogs.pushes.planner). A place taken later writes the ones the plan has passed. The two meet
under the course's lock: the planner locks each course before reading who holds a seat, and a place
is taken under the same lock, reading the plan's reach after it. On SQLite every transaction holds
the database's write lock from its start, which orders them the same way.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, func
from sqlmodel import Session, select

from store.insert_new import upsert
from store.models import ChannelAccount, ClassSession, Course, Enrolment, Resident, SessionLeave
from store.models.enrolment import CONFIRMED
from store.models.push_plan import PLAN_ROW, PushPlan

_REACH = select(PushPlan.planned_until).where(PushPlan.id == PLAN_ROW)
# The plan's reach as a column, for a statement that reads it beside others (a sign-up's facts).
PLANNED_UNTIL = _REACH.scalar_subquery()


class DueSession(NamedTuple):
    """A session whose reminders or poll may fall due."""

    id: int
    course_id: int
    starts_at: datetime
    ends_at: datetime


class Owed(NamedTuple):
    """A resident owed a session's pushes, whether they take its reminders, and since when they hold
    the seat."""

    resident_id: int
    reminders: bool
    seated_at: datetime


def planned_until(session: Session) -> datetime | None:
    """How far reminders and polls are planned; None before the first plan. A caller seating someone
    reads it while holding the course's lock."""
    return session.exec(_REACH).first()


def hold_plan(session: Session) -> datetime | None:
    """The plan's reach, its row locked until the transaction ends, so one planner runs at a time."""
    return session.exec(_REACH.with_for_update()).first()


def advance_plan(session: Session, until: datetime) -> None:
    """Record that everything falling due by `until` is planned."""
    upsert(session, PushPlan, {"id": PLAN_ROW, "planned_until": until}, key=["id"])


def _sessions(session: Session, column, after: datetime, until: datetime) -> list[DueSession]:
    rows = session.exec(
        select(ClassSession.id, ClassSession.course_id, ClassSession.starts_at, ClassSession.ends_at)
        .join(Course, Course.id == ClassSession.course_id)
        .where(Course.active, column > after, column <= until)
        .order_by(ClassSession.course_id, ClassSession.starts_at))
    return [DueSession(*row) for row in rows]


def sessions_starting(session: Session, after: datetime, until: datetime) -> list[DueSession]:
    """Sessions of courses on the menu starting in (after, until]."""
    return _sessions(session, ClassSession.starts_at, after, until)


def sessions_ending(session: Session, after: datetime, until: datetime) -> list[DueSession]:
    """Sessions of courses on the menu ending in (after, until]."""
    return _sessions(session, ClassSession.ends_at, after, until)


def owed_pushes(session: Session, cls: DueSession) -> list[Owed]:
    """Everyone holding a seat in the session's course since before it starts, not on leave from it
    and with an account to reach them on, with whether they take reminders (their switch for the
    course and for all courses)."""
    seated_at = func.coalesce(Enrolment.confirmed_at, Enrolment.created_at)
    # A resident who never wrote (a demo one, say) has nowhere to be sent a push.
    reachable = select(ChannelAccount.id).where(ChannelAccount.resident_id == Enrolment.resident_id).exists()
    on_leave = select(SessionLeave.id).where(SessionLeave.session_id == cls.id,
                                             SessionLeave.resident_id == Enrolment.resident_id).exists()
    rows = session.exec(
        select(Enrolment.resident_id, and_(Enrolment.reminders_on, Resident.reminders_on), seated_at)
        .join(Resident, Resident.id == Enrolment.resident_id)
        .where(Enrolment.course_id == cls.course_id, Enrolment.status == CONFIRMED,
               seated_at < cls.starts_at, ~on_leave, reachable)
        .order_by(Enrolment.queue_no))
    return [Owed(resident_id, bool(reminders), seated) for resident_id, reminders, seated in rows]
