"""Taking a session's roll and checking in with its code — each inside the caller's transaction.

Presence is one row per (session, resident): the unique index means a roll saved twice, two
staff saving at once, or a check-in racing a roll never count anyone twice. The roll's row is
locked while presence changes, so a roll replaces what an earlier roll marked without losing a
check-in that arrived meanwhile.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from store.enrolments import held_seat_at
from store.insert_new import dialect_insert
from store.models import Attendance, ClassSession, Enrolment, SessionLeave, SessionRoll
from store.models.attendance import CHECKED_IN, MARKED
from store.models.enrolment import CONFIRMED

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud
CODE_LENGTH = 6


@dataclass(frozen=True)
class RollResult:
    """What saving a roll did: how many are present now, and how many were added or removed."""

    present: int
    added: int
    removed: int


@dataclass(frozen=True)
class Streak:
    """A resident missing, without leave, from the latest `length` rolls of a course in a row."""

    course_id: int
    resident_id: int
    first_session_id: int
    length: int


@dataclass(frozen=True)
class CheckInResult:
    """What a check-in did: status is checked_in, already, too_early, too_late, not_enrolled or unknown."""

    status: str
    session: ClassSession | None = None


def normalise_code(code: str) -> str:
    """A typed check-in code in its stored form."""
    return "".join((code or "").split()).upper()


def roll_of(session: Session, session_id: int) -> SessionRoll | None:
    """The session's roll row, if it has one yet."""
    return session.exec(select(SessionRoll).where(SessionRoll.session_id == session_id)).first()


def ensure_roll(session: Session, session_id: int, now: datetime) -> SessionRoll:
    """The session's roll row with its check-in code, made on first use."""
    while (found := roll_of(session, session_id)) is None:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        # Another worker making the same roll, or a code already taken: both just try again.
        session.execute(dialect_insert(session)(SessionRoll).values(session_id=session_id, code=code, created_at=now)
                        .on_conflict_do_nothing())
    return found


def lock_roll(session: Session, session_id: int, now: datetime) -> SessionRoll:
    """The session's roll row, held locked (PostgreSQL) until the transaction ends."""
    ensure_roll(session, session_id, now)
    return session.exec(select(SessionRoll).where(SessionRoll.session_id == session_id)
                        .with_for_update().execution_options(populate_existing=True)).one()


def roll_by_code(session: Session, code: str) -> SessionRoll | None:
    """The roll whose check-in code this is."""
    code = normalise_code(code)
    return session.exec(select(SessionRoll).where(SessionRoll.code == code)).first() if code else None


def has_roll(session: Session, session_id: int) -> bool:
    """True when presence has been taken for the session (marked or checked in)."""
    roll = roll_of(session, session_id)
    return roll is not None and roll.taken_at is not None


def present_at(session: Session, session_id: int) -> dict[int, str]:
    """Who is present at a session, and how (marked or checked in)."""
    return dict(session.exec(select(Attendance.resident_id, Attendance.source)
                             .where(Attendance.session_id == session_id)).all())


def on_leave_from(session: Session, session_id: int) -> set[int]:
    """The residents who took leave from a session."""
    return set(session.exec(select(SessionLeave.resident_id).where(SessionLeave.session_id == session_id)))


def expected_at(session: Session, cls: ClassSession, now: datetime) -> list[int]:
    """The residents holding a seat at the session: at its start once it has begun, else now; in
    the order they took their seats."""
    moment = min(now, cls.starts_at)
    rows = session.exec(select(Enrolment).where(Enrolment.course_id == cls.course_id,
                                                Enrolment.confirmed_at.is_not(None))
                        .order_by(Enrolment.confirmed_at, Enrolment.id)).all()
    return [e.resident_id for e in rows if held_seat_at(e, moment)]


def _mark_taken(roll: SessionRoll, by: int | None, now: datetime) -> None:
    if roll.taken_at is None:
        roll.taken_at, roll.taken_by = now, by


def save_roll(session: Session, session_id: int, present: set[int], by: int | None, now: datetime) -> RollResult:
    """Mark exactly these residents present by the roll; residents who checked in themselves stay
    present whatever the roll says."""
    roll = lock_roll(session, session_id, now)
    marked = set(session.exec(select(Attendance.resident_id).where(
        Attendance.session_id == session_id, Attendance.source == MARKED)))
    gone = marked - present
    if gone:
        session.execute(delete(Attendance).where(Attendance.session_id == session_id,
                                                 Attendance.source == MARKED,
                                                 Attendance.resident_id.in_(gone)))
    added = 0
    for resident_id in sorted(present):
        stmt = dialect_insert(session)(Attendance).values(
            session_id=session_id, resident_id=resident_id, source=MARKED, marked_by=by, created_at=now,
        ).on_conflict_do_nothing(index_elements=["session_id", "resident_id"]).returning(Attendance.id)
        added += session.execute(stmt).first() is not None
    _mark_taken(roll, by, now)
    session.add(roll)
    session.flush()
    return RollResult(len(present_at(session, session_id)), added, len(gone))


def check_in(session: Session, code: str, resident_id: int, now: datetime,
             before: timedelta, after: timedelta) -> CheckInResult:
    """Check a resident in with the session's code, inside [start - before, start + after]."""
    found = roll_by_code(session, code)
    cls = session.get(ClassSession, found.session_id) if found else None
    if cls is None:
        return CheckInResult("unknown")
    if now < cls.starts_at - before:
        return CheckInResult("too_early", cls)
    if now > cls.starts_at + after:
        return CheckInResult("too_late", cls)
    seat = session.exec(select(Enrolment.id).where(Enrolment.course_id == cls.course_id,
                                                   Enrolment.resident_id == resident_id,
                                                   Enrolment.status == CONFIRMED)).first()
    if seat is None:
        return CheckInResult("not_enrolled", cls)
    roll = lock_roll(session, cls.id, now)
    stmt = dialect_insert(session)(Attendance).values(
        session_id=cls.id, resident_id=resident_id, source=CHECKED_IN, marked_by=None, created_at=now,
    ).on_conflict_do_nothing(index_elements=["session_id", "resident_id"]).returning(Attendance.id)
    inserted = session.execute(stmt).first() is not None
    _mark_taken(roll, None, now)
    session.add(roll)
    session.flush()
    return CheckInResult("checked_in" if inserted else "already", cls)


def absence_streaks(session: Session, since: datetime, now: datetime, at_least: int) -> list[Streak]:
    """Residents still enrolled whose latest rolls (sessions ended by now, roll taken) are at least
    `at_least` absences in a row without leave, for courses with such a roll ending after `since`."""
    recent = set(session.exec(select(ClassSession.course_id).join(SessionRoll, SessionRoll.session_id == ClassSession.id)
                              .where(SessionRoll.taken_at.is_not(None), ClassSession.ends_at > since,
                                     ClassSession.ends_at <= now)))
    found = []
    for course_id in sorted(recent):
        rolled = list(session.exec(select(ClassSession).join(SessionRoll, SessionRoll.session_id == ClassSession.id)
                                   .where(ClassSession.course_id == course_id, SessionRoll.taken_at.is_not(None),
                                          ClassSession.ends_at <= now)
                                   .order_by(ClassSession.starts_at.desc(), ClassSession.id.desc())))
        seats = list(session.exec(select(Enrolment).where(Enrolment.course_id == course_id,
                                                          Enrolment.status == CONFIRMED)))
        for seat in seats:
            streak = _streak(session, seat, rolled)
            if len(streak) >= at_least:
                found.append(Streak(course_id, seat.resident_id, streak[-1].id, len(streak)))
    return found


def _streak(session: Session, seat: Enrolment, rolled: list[ClassSession]) -> list[ClassSession]:
    """The resident's absences without leave, latest first, back to their last presence or leave."""
    out = []
    for cls in rolled:
        if not held_seat_at(seat, cls.starts_at):
            break
        came = session.exec(select(Attendance.id).where(Attendance.session_id == cls.id,
                                                        Attendance.resident_id == seat.resident_id)).first()
        excused = session.exec(select(SessionLeave.id).where(SessionLeave.session_id == cls.id,
                                                             SessionLeave.resident_id == seat.resident_id)).first()
        if came is not None or excused is not None:
            break
        out.append(cls)
    return out
