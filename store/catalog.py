"""Reading the service menu: sections, categories, courses, sessions, venues."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import bindparam, event, func
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from store.loaded import loaded, model_columns
from store.models import Category, ClassSession, Course, Venue
from store.prepared import Prepared, connection_of

_C, _K = Course.__table__, Category.__table__
# Built once: a browse page is among the commonest turns, and a statement built per call is coerced
# and its cache key worked out again every time.
_CATEGORIES_IN = (sa_select(_K.c.id, _K.c.name, func.count(_C.c.id).label("courses"))
                  .join(_C, (_C.c.category_id == _K.c.id) & _C.c.active)
                  .where(_K.c.section == bindparam("section"))
                  .group_by(_K.c.id, _K.c.name, _K.c.sort_order)
                  .order_by(_K.c.sort_order, _K.c.id))
_COURSES_IN = (sa_select(_C.c.code, _C.c.title, _C.c.unit_id)
               .where(_C.c.category_id == bindparam("category_id"), _C.c.active)
               .order_by(_C.c.code))
_CATEGORIES_ROWS, _COURSES_ROWS = Prepared(_CATEGORIES_IN), Prepared(_COURSES_IN)


class CategoryCount(Protocol):
    """A category's id and name with how many active courses it has."""

    id: int
    name: str
    courses: int


class CourseLine(Protocol):
    """What a list of courses shows of each: its code, title and unit."""

    code: str
    title: str
    unit_id: int | None


def categories_in(session: Session, section: str) -> list[CategoryCount]:
    """The categories of a section that have active courses, with how many, in menu order."""
    return _CATEGORIES_ROWS.rows(connection_of(session), {"section": section})


def courses_in(session: Session, category_id: int) -> list[CourseLine]:
    """Active courses of a category (code, title, unit), by code."""
    return _COURSES_ROWS.rows(connection_of(session), {"category_id": category_id})


_COURSE_BY_CODE = (sa_select(*model_columns(Course))
                   .where(_C.c.code == bindparam("code"), _C.c.active == True))  # noqa: E712
_COURSE_ROW, _COURSE_ROW_LOCKED = Prepared(_COURSE_BY_CODE), Prepared(_COURSE_BY_CODE.with_for_update())
_LOCKED = "locked_courses"  # session.info key: ids of the courses this transaction holds locked


def course_by_code(session: Session, code: str, lock: bool = False) -> Course | None:
    """An active course by its code; with lock, its row is held until the transaction ends (PostgreSQL;
    SQLite's transactions hold the whole database from the start), so a later lock_course need not
    read it again."""
    locked = lock and session.get_bind().dialect.name == "postgresql"
    session.flush()  # a course the turn added or changed through the ORM is read as it is now
    row = (_COURSE_ROW_LOCKED if locked else _COURSE_ROW).first(connection_of(session), {"code": code})
    if row is None:
        return None
    course = loaded(session, Course, row)
    if course is None:  # the session has it: as read now under the lock, or as the turn left it
        course = session.get(Course, row.id, populate_existing=locked)
    if locked:
        held_courses(session).add(course.id)
    return course


def held_courses(session: Session) -> set[int]:
    """The ids of the courses this session's transaction has locked and read under the lock."""
    return session.info.setdefault(_LOCKED, set())


def read_locked(session: Session, statement, params: dict) -> Course | None:
    """Run a course read that takes its row lock (FOR UPDATE), and remember the course as held."""
    course = session.execute(statement, params).scalars().first()
    if course is not None:
        held_courses(session).add(course.id)
    return course


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_held(session: OrmSession, _transaction) -> None:
    # Any end counts, a savepoint's too (rolled back, it releases the locks taken inside it).
    session.info.pop(_LOCKED, None)


_S = ClassSession.__table__
# Rows of four columns, not ClassSession objects: every caller reads the times and nothing changes
# a session through them, and loading ORM objects cost more than the statement.
_SESSIONS_OF = (sa_select(_S.c.id, _S.c.course_id, _S.c.starts_at, _S.c.ends_at)
                .where(_S.c.course_id == bindparam("course_id")).order_by(_S.c.starts_at))
_SESSION_ROWS = Prepared(_SESSIONS_OF)


class SessionTimes(Protocol):
    """A session's id, course and times: a ClassSession, or a row sessions_of returns."""

    id: int
    course_id: int
    starts_at: datetime
    ends_at: datetime


def sessions_of(session: Session, course_id: int) -> list[SessionTimes]:
    """Every session of a course in time order, as rows of id, course_id, starts_at and ends_at."""
    session.flush()  # sessions the turn added through the ORM are read too
    return _SESSION_ROWS.rows(connection_of(session), {"course_id": course_id})


def next_session(session: Session, course_id: int, now: datetime) -> ClassSession | None:
    """The first session of a course that has not ended yet."""
    return session.exec(
        select(ClassSession).where(ClassSession.course_id == course_id, ClassSession.ends_at > now)
        .order_by(ClassSession.starts_at).limit(1)
    ).first()


def venue_of(session: Session, course: Course) -> Venue | None:
    """The teaching point of a course."""
    return session.get(Venue, course.venue_id) if course.venue_id else None


_PLACE = Prepared(sa_select(Venue.name, Venue.address).where(Venue.id == bindparam("venue_id")))


def place_of(session: Session, course: Course) -> tuple[str, str]:
    """The name and address of a course's teaching point ("", "" when it has none)."""
    if not course.venue_id:
        return "", ""
    # Two columns through Core: a reply needs the words, not a Venue the session would track.
    row = _PLACE.first(connection_of(session), {"venue_id": course.venue_id})
    return (row.name, row.address) if row else ("", "")


def course_count(session: Session) -> int:
    """How many courses exist (0 means the catalogue is empty)."""
    return session.exec(select(func.count(Course.id))).one()


def search_version(session: Session) -> tuple:
    """One read that changes whenever courses, categories or venues are added, and whenever a course
    is edited (for the search index, which follows the courses one by one)."""
    return tuple(session.execute(sa_select(
        func.count(Course.id), func.max(Course.updated_at),
        sa_select(func.count(Category.id)).scalar_subquery(), sa_select(func.max(Category.id)).scalar_subquery(),
        sa_select(func.count(Venue.id)).scalar_subquery(), sa_select(func.max(Venue.id)).scalar_subquery(),
    )).one())


def searchable_courses(session: Session, since: datetime | None = None) -> list:
    """What search needs of every course (active or not), or of those edited at or after `since`."""
    query = sa_select(Course.id, Course.code, Course.title, Course.category_id, Course.section, Course.tags,
                      Course.teacher, Course.active, Course.updated_at)
    if since is not None:
        query = query.where(Course.updated_at >= since)
    return session.execute(query).all()
