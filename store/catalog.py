"""Reading the service menu: sections, categories, courses, sessions, venues."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import bindparam, event, func
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from store.models import Category, ClassSession, Course, Venue


def categories_in(session: Session, section: str) -> list[tuple[Category, int]]:
    """Categories of a section with their number of active courses, in menu order."""
    rows = session.exec(
        select(Category, func.count(Course.id))
        .join(Course, (Course.category_id == Category.id) & (Course.active == True), isouter=True)  # noqa: E712
        .where(Category.section == section)
        .group_by(Category.id)
        .order_by(Category.sort_order, Category.id)
    ).all()
    return [(cat, count) for cat, count in rows]


def courses_in(session: Session, category_id: int) -> list[Course]:
    """Active courses of a category, by title."""
    return list(session.exec(
        select(Course).where(Course.category_id == category_id, Course.active == True)  # noqa: E712
        .order_by(Course.code)
    ))


_COURSE_BY_CODE = select(Course).where(Course.code == bindparam("code"), Course.active == True)  # noqa: E712
_COURSE_BY_CODE_LOCKED = _COURSE_BY_CODE.with_for_update().execution_options(populate_existing=True)
_LOCKED = "locked_courses"  # session.info key: ids of the courses this transaction holds locked


def course_by_code(session: Session, code: str, lock: bool = False) -> Course | None:
    """An active course by its code; with lock, its row is held until the transaction ends (PostgreSQL;
    SQLite's transactions hold the whole database from the start), so a later lock_course need not
    read it again."""
    if not (lock and session.get_bind().dialect.name == "postgresql"):
        return session.execute(_COURSE_BY_CODE, {"code": code}).scalars().first()
    return read_locked(session, _COURSE_BY_CODE_LOCKED, {"code": code})


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


class SessionTimes(Protocol):
    """A session's id, course and times: a ClassSession, or a row sessions_of returns."""

    id: int
    course_id: int
    starts_at: datetime
    ends_at: datetime


def sessions_of(session: Session, course_id: int) -> list[SessionTimes]:
    """Every session of a course in time order, as rows of id, course_id, starts_at and ends_at."""
    return list(session.execute(_SESSIONS_OF, {"course_id": course_id}))


def next_session(session: Session, course_id: int, now: datetime) -> ClassSession | None:
    """The first session of a course that has not ended yet."""
    return session.exec(
        select(ClassSession).where(ClassSession.course_id == course_id, ClassSession.ends_at > now)
        .order_by(ClassSession.starts_at).limit(1)
    ).first()


def venue_of(session: Session, course: Course) -> Venue | None:
    """The teaching point of a course."""
    return session.get(Venue, course.venue_id) if course.venue_id else None


_PLACE = sa_select(Venue.name, Venue.address).where(Venue.id == bindparam("venue_id"))


def place_of(session: Session, course: Course) -> tuple[str, str]:
    """The name and address of a course's teaching point ("", "" when it has none)."""
    if not course.venue_id:
        return "", ""
    # Two columns through Core: a reply needs the words, not a Venue the session would track.
    row = session.connection().execute(_PLACE, {"venue_id": course.venue_id}).first()
    return (row.name, row.address) if row else ("", "")


def catalogue_version(session: Session) -> tuple:
    """Something that changes whenever courses or categories change (for caches)."""
    courses = session.exec(select(func.count(Course.id), func.max(Course.updated_at))).one()
    categories = session.exec(select(func.count(Category.id), func.max(Category.id))).one()
    return tuple(courses) + tuple(categories)


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
