"""Courses published and changed from the chat, each inside the caller's transaction.

A published course goes through the catalogue's own rules and code path (check_course, then
apply_courses), so it is the same course an import of the same row would make. A change to a
session is a change of the course's wanted sessions made by sync_sessions, as a re-import makes
it: a moved session keeps its row (and the residents' history), a cancelled one goes. Every change
holds the course's row lock, so it is serialised with sign-ups and with another organizer's change.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from store.attendance import CODE_ALPHABET
from store.catalog import SessionTimes, sessions_of
from store.catalog_file import check_course
from store.catalog_import import ImportReport, apply_courses
from store.catalog_sessions import SyncCounts, sync_sessions
from store.clock import utcnow
from store.enrolments import lock_course, withdraw_offer
from store.models import Category, ClassSession, Course, Enrolment, Venue
from store.models.enrolment import CANCELLED, CONFIRMED
from store.written import written

CODE_PREFIX = "P"  # codes of courses published in the chat: P + 7 letters or digits
CODE_LENGTH = 7
CHANGE_ERRORS = ("not_found", "started", "past", "taken")


@dataclass
class Change:
    """What a change did: status done, not_found, started, past or taken; what it owes residents."""

    status: str
    report: ImportReport = field(default_factory=ImportReport)
    session_id: int | None = None


def new_course_code(session: Session) -> str:
    """A course code not used yet."""
    while True:
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.exec(select(Course.id).where(Course.code == code)).first() is None:
            return code


def category_section(session: Session, name: str) -> str | None:
    """The section a category already belongs to, or None for a new category."""
    found = session.exec(select(Category).where(Category.name == name)).first()
    return found.section if found else None


def category_names(session: Session, section: str) -> list[str]:
    """The categories of a section, in menu order."""
    return list(session.exec(select(Category.name).where(Category.section == section)
                             .order_by(Category.sort_order, Category.id)))


def publish_course(session: Session, fields: dict[str, str], sessions: list[tuple[datetime, datetime]],
                   tz: str, now: datetime, community: str = "",
                   unit_id: int | None = None) -> tuple[Course, ImportReport]:
    """A new course from fields named as the catalogue's columns and local session times;
    CatalogImportError when a rule of the catalogue refuses it. A venue new to the catalogue is
    put in `community` and `unit_id` (the publishing organizer's), so they can manage the course
    afterwards; the course belongs to its venue's unit."""
    code = new_course_code(session)
    rows = check_course(code, fields, sessions, tz)
    report = ImportReport()
    apply_courses(session, {code: rows}, now, report)
    course = session.exec(select(Course).where(Course.code == code)).one()
    if report.venues_created and (community or unit_id is not None):
        venue = session.get(Venue, course.venue_id)
        venue.community, venue.unit_id = community, unit_id
        course.unit_id = course.unit_id or unit_id
        session.add_all([venue, course])
        session.flush()
    return course, report


def _resync(session: Session, course: Course, wanted: dict[datetime, datetime], now: datetime) -> Change:
    changes = sync_sessions(session, course, wanted, now, SyncCounts())
    course.updated_at = utcnow()
    session.add(course)
    session.flush()
    report = ImportReport(session_changes=changes, replan_course_ids=[course.id])
    return Change("done", report, changes[0].session_id if changes else None)


def _course_and_row(session: Session, course_id: int, session_id: int | None,
                    now: datetime) -> tuple[Course | None, ClassSession | None, str]:
    course = lock_course(session, course_id)
    if course is None or not course.active:
        return None, None, "not_found"
    if session_id is None:
        return course, None, ""
    row = session.get(ClassSession, session_id)
    if row is None or row.course_id != course_id:
        return course, None, "not_found"
    if row.starts_at <= now:
        return course, row, "started"
    return course, row, ""


def _wanted(session: Session, course_id: int) -> dict[datetime, datetime]:
    return {row.starts_at: row.ends_at for row in sessions_of(session, course_id)}


def move_session(session: Session, course_id: int, session_id: int, starts_at: datetime, ends_at: datetime,
                 now: datetime) -> Change:
    """Give a session ahead new times (naive UTC)."""
    course, row, problem = _course_and_row(session, course_id, session_id, now)
    if problem:
        return Change(problem)
    if starts_at <= now:
        return Change("past")
    wanted = _wanted(session, course_id)
    if starts_at in wanted and starts_at != row.starts_at:
        return Change("taken")
    del wanted[row.starts_at]
    wanted[starts_at] = ends_at
    return _resync(session, course, wanted, now)


def cancel_session(session: Session, course_id: int, session_id: int, now: datetime) -> Change:
    """Take one session ahead out of the course."""
    course, row, problem = _course_and_row(session, course_id, session_id, now)
    if problem:
        return Change(problem)
    wanted = _wanted(session, course_id)
    del wanted[row.starts_at]
    return _resync(session, course, wanted, now)


def add_session(session: Session, course_id: int, starts_at: datetime, ends_at: datetime, now: datetime) -> Change:
    """A make-up session (补课) ahead."""
    course, _row, problem = _course_and_row(session, course_id, None, now)
    if problem:
        return Change(problem)
    if starts_at <= now:
        return Change("past")
    wanted = _wanted(session, course_id)
    if starts_at in wanted:
        return Change("taken")
    wanted[starts_at] = ends_at
    return _resync(session, course, wanted, now)


def cancel_course(session: Session, course_id: int, now: datetime) -> tuple[str, list[Enrolment]]:
    """Close a course: its sessions ahead go, it leaves the menu, every live place (seat, waiting,
    application) ends; returns the status and the places ended, as they were."""
    course, _row, problem = _course_and_row(session, course_id, None, now)
    if problem:
        return problem, []
    held = {start: end for start, end in _wanted(session, course_id).items() if start <= now}
    sync_sessions(session, course, held, now, SyncCounts())
    ended = list(session.exec(select(Enrolment).where(Enrolment.course_id == course_id,
                                                      Enrolment.status != written(CANCELLED))
                              .order_by(Enrolment.queue_no, Enrolment.id)))
    before = [Enrolment.model_validate(row.model_dump()) for row in ended]
    for row in ended:
        row.status, row.updated_at, row.cancelled_at = CANCELLED, now, now
        session.add(row)
        withdraw_offer(session, row, now)
    course.active, course.updated_at = False, utcnow()
    session.add(course)
    session.flush()
    return "done", before


def sessions_ahead(session: Session, course_id: int, now: datetime) -> list[SessionTimes]:
    """The sessions of a course not started yet, in time order."""
    return [row for row in sessions_of(session, course_id) if row.starts_at > now]


def waiting_count(session: Session, course_id: int) -> int:
    """How many wait for a seat (or for the draw) in a course."""
    return len(session.exec(select(Enrolment.id).where(Enrolment.course_id == course_id,
                                                       Enrolment.status != written(CANCELLED),
                                                       Enrolment.status != written(CONFIRMED))).all())
