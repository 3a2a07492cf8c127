"""Making a course's sessions those of the catalogue file, and saying which sessions moved or went.

A file names sessions by their start time, so a changed date reads as one session dropped and
another added. Of the sessions still ahead, a dropped one and an added one of the same course are
taken, in time order, as one session moved: the row keeps its id (and the residents' history),
and the people enrolled are told of the new time instead of a cancellation and a surprise.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from store.models import Attendance, ClassSession, Course, SessionLeave, SessionRoll

ADDED = "added"
MOVED = "moved"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class SessionChange:
    """One session ahead that an import added, moved (old times kept) or cancelled."""

    kind: str
    course_id: int
    session_id: int
    starts_at: datetime
    ends_at: datetime
    old_starts_at: datetime | None = None
    old_ends_at: datetime | None = None


@dataclass
class SyncCounts:
    """How many sessions of one course were added, removed and kept."""

    added: int = 0
    removed: int = 0
    kept: int = 0
    changed: bool = False  # anything at all, past sessions included


def _drop_leaves(session: Session, session_ids: list[int]) -> None:
    if not session_ids:
        return
    for leave in session.exec(select(SessionLeave).where(SessionLeave.session_id.in_(session_ids))):
        session.delete(leave)
    session.flush()  # leaves point at the sessions, so they go first


def _drop_attendance(session: Session, session_ids: list[int]) -> None:
    """Presence and the roll of sessions taken out of the catalogue go with them."""
    if not session_ids:
        return
    session.execute(delete(Attendance).where(Attendance.session_id.in_(session_ids)))
    session.execute(delete(SessionRoll).where(SessionRoll.session_id.in_(session_ids)))
    session.flush()


def _move(session: Session, row: ClassSession, starts_at: datetime, ends_at: datetime) -> SessionChange:
    change = SessionChange(MOVED, row.course_id, row.id, starts_at, ends_at, row.starts_at, row.ends_at)
    row.starts_at, row.ends_at = starts_at, ends_at
    session.add(row)
    return change


def sync_sessions(session: Session, course: Course, wanted: dict[datetime, datetime], now: datetime,
                  counts: SyncCounts) -> list[SessionChange]:
    """Make the course's sessions (start → end) those wanted; the changes to sessions still ahead."""
    current = {s.starts_at: s for s in session.exec(
        select(ClassSession).where(ClassSession.course_id == course.id))}
    changes: list[SessionChange] = []
    for starts_at, row in current.items():
        ends_at = wanted.get(starts_at)
        if ends_at is None:
            continue
        counts.kept += 1
        if row.ends_at != ends_at:
            counts.changed = True
            if starts_at > now:
                changes.append(_move(session, row, starts_at, ends_at))
            else:
                row.ends_at = ends_at
                session.add(row)
    new = sorted((s, e) for s, e in wanted.items() if s not in current)
    gone = sorted((row for s, row in current.items() if s not in wanted), key=lambda r: r.starts_at)
    ahead_new = [(s, e) for s, e in new if s > now]
    ahead_gone = [row for row in gone if row.starts_at > now]
    moved = list(zip(ahead_gone, ahead_new))
    _drop_leaves(session, [row.id for row in gone])  # a leave for the old date says nothing of the new one
    for row, (starts_at, ends_at) in moved:
        changes.append(_move(session, row, starts_at, ends_at))
    counts.added += len(new) - len(moved)
    counts.removed += len(gone) - len(moved)
    counts.kept += len(moved)
    counts.changed = counts.changed or bool(new or gone)
    moved_rows = {row.id for row, _ in moved}
    _drop_attendance(session, [row.id for row in gone if row.id not in moved_rows])
    for row in gone:
        if row.id in moved_rows:
            continue
        if row.starts_at > now:
            changes.append(SessionChange(CANCELLED, course.id, row.id, row.starts_at, row.ends_at))
        session.delete(row)
    session.flush()
    paired = set(ahead_new[:len(moved)])
    for starts_at, ends_at in (n for n in new if n not in paired):
        row = ClassSession(course_id=course.id, starts_at=starts_at, ends_at=ends_at)
        session.add(row)
        session.flush()
        if starts_at > now:
            changes.append(SessionChange(ADDED, course.id, row.id, starts_at, ends_at))
    session.flush()
    return changes
