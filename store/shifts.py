"""Volunteer shifts — posting, signing up, withdrawing, checking in and out — each inside the
caller's transaction.

The places are a counter on the shift row, taken by one conditional UPDATE (taken < capacity),
so concurrent sign-ups never exceed the head count on any database. A check-out is one
conditional UPDATE too (checked_out_at IS NULL) and the credit is a ledger line keyed by the
shift, so a repeated or racing check-out credits once.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from store.attendance import CODE_ALPHABET, normalise_code
from store.models.shifts import SIGNED, WITHDRAWN, Shift, ShiftSignup
from store.points import PointRules, add_once, points_for_minutes

CODE_LENGTH = 6
HALF_HOUR = 30


@dataclass(frozen=True)
class ShiftResult:
    """What a sign-up, withdrawal, check-in or check-out did, with the shift it was about."""

    status: str
    shift: Shift | None = None
    minutes: int = 0
    points: int = 0


def post_shift(session: Session, title: str, place: str, starts_at: datetime, ends_at: datetime,
               capacity: int, created_by: int | None, now: datetime) -> Shift:
    """A new shift with a fresh check-in code."""
    taken = set(session.exec(select(Shift.code)).all())
    code = ""
    while not code or code in taken:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    shift = Shift(title=title, place=place, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                  code=code, created_by=created_by, created_at=now)
    session.add(shift)
    session.flush()
    return shift


def open_shifts(session: Session, now: datetime) -> list[Shift]:
    """Shifts not started yet, soonest first."""
    return list(session.exec(select(Shift).where(Shift.starts_at > now)
                             .order_by(Shift.starts_at, Shift.id)).all())


def signup_of(session: Session, shift_id: int, resident_id: int) -> ShiftSignup | None:
    """The resident's row on the shift, signed up or withdrawn."""
    return session.exec(select(ShiftSignup).where(ShiftSignup.shift_id == shift_id,
                                                  ShiftSignup.resident_id == resident_id)).first()


def signed_up(session: Session, shift_id: int) -> list[ShiftSignup]:
    """Who holds a place on the shift, in the order they signed up."""
    return list(session.exec(select(ShiftSignup).where(ShiftSignup.shift_id == shift_id,
                                                       ShiftSignup.status == SIGNED)
                             .order_by(ShiftSignup.created_at, ShiftSignup.id)).all())


def _take_place(session: Session, shift_id: int) -> bool:
    done = session.execute(update(Shift).where(Shift.id == shift_id, Shift.taken < Shift.capacity)
                           .values(taken=Shift.taken + 1))
    return done.rowcount == 1


def sign_up(session: Session, shift_id: int, resident_id: int, now: datetime) -> ShiftResult:
    """Take a place on a shift not started yet: signed_up, already, full, started or not_found."""
    shift = session.get(Shift, shift_id)
    if shift is None:
        return ShiftResult("not_found")
    if shift.starts_at <= now:
        return ShiftResult("started", shift)
    mine = signup_of(session, shift_id, resident_id)
    if mine is not None and mine.status == SIGNED:
        return ShiftResult("already", shift)
    if not _take_place(session, shift_id):
        return ShiftResult("full", shift)
    if mine is None:
        session.add(ShiftSignup(shift_id=shift_id, resident_id=resident_id, created_at=now))
    else:
        mine.status, mine.created_at = SIGNED, now
        session.add(mine)
    session.flush()
    session.refresh(shift)
    return ShiftResult("signed_up", shift)


def withdraw(session: Session, shift_id: int, resident_id: int, now: datetime) -> ShiftResult:
    """Give the place back before the start and before checking in: withdrawn, not_signed,
    started or not_found."""
    shift = session.get(Shift, shift_id)
    if shift is None:
        return ShiftResult("not_found")
    if shift.starts_at <= now:
        return ShiftResult("started", shift)
    mine = signup_of(session, shift_id, resident_id)
    if mine is None or mine.status != SIGNED:
        return ShiftResult("not_signed", shift)
    done = session.execute(update(ShiftSignup).where(ShiftSignup.id == mine.id, ShiftSignup.status == SIGNED,
                                                     ShiftSignup.checked_in_at.is_(None))
                           .values(status=WITHDRAWN))
    if done.rowcount != 1:
        return ShiftResult("started", shift)  # checked in already (or at this very moment)
    session.execute(update(Shift).where(Shift.id == shift_id).values(taken=Shift.taken - 1))
    session.flush()
    session.refresh(shift)
    return ShiftResult("withdrawn", shift)


def shift_by_code(session: Session, code: str) -> Shift | None:
    """The shift whose check-in code this is."""
    code = normalise_code(code)
    return session.exec(select(Shift).where(Shift.code == code)).first() if code else None


def check_in(session: Session, code: str, resident_id: int, now: datetime, before: timedelta) -> ShiftResult:
    """Check in from `before` the start until the end: checked_in, already, too_early, too_late,
    not_signed or unknown."""
    shift = shift_by_code(session, code)
    if shift is None:
        return ShiftResult("unknown")
    if now < shift.starts_at - before:
        return ShiftResult("too_early", shift)
    if now >= shift.ends_at:
        return ShiftResult("too_late", shift)
    mine = signup_of(session, shift.id, resident_id)
    if mine is None or mine.status != SIGNED:
        return ShiftResult("not_signed", shift)
    done = session.execute(update(ShiftSignup).where(ShiftSignup.id == mine.id,
                                                     ShiftSignup.checked_in_at.is_(None))
                           .values(checked_in_at=now))
    return ShiftResult("checked_in" if done.rowcount == 1 else "already", shift)


def served_minutes(shift: Shift, checked_in_at: datetime, checked_out_at: datetime) -> int:
    """Time actually served within the shift, capped at its length, rounded to the nearest half hour."""
    start = max(checked_in_at, shift.starts_at)
    end = min(checked_out_at, shift.ends_at)
    actual = max(0, int((end - start).total_seconds() // 60))
    return (actual + HALF_HOUR // 2) // HALF_HOUR * HALF_HOUR


def check_out(session: Session, code: str, resident_id: int, now: datetime, after: timedelta,
              rules: PointRules) -> ShiftResult:
    """Check out until `after` the end and credit the hours once: checked_out, already, not_in,
    too_late, not_signed or unknown."""
    shift = shift_by_code(session, code)
    if shift is None:
        return ShiftResult("unknown")
    mine = signup_of(session, shift.id, resident_id)
    if mine is None or mine.status != SIGNED:
        return ShiftResult("not_signed", shift)
    if mine.checked_in_at is None:
        return ShiftResult("not_in", shift)
    if mine.checked_out_at is not None:
        return ShiftResult("already", shift, mine.minutes)
    if now > shift.ends_at + after:
        return ShiftResult("too_late", shift)
    minutes = served_minutes(shift, mine.checked_in_at, now)
    done = session.execute(update(ShiftSignup).where(ShiftSignup.id == mine.id,
                                                     ShiftSignup.checked_out_at.is_(None))
                           .values(checked_out_at=now, minutes=minutes))
    if done.rowcount != 1:
        return ShiftResult("already", shift, minutes)
    points = points_for_minutes(minutes, rules.points_per_hour)
    entry = add_once(session, resident_id, points, f"shift:{shift.id}", minutes=minutes,
                     reason=shift.title, created_by="shifts", now=now)
    return ShiftResult("checked_out" if entry is not None else "already", shift, minutes, points)
