"""Booking a room slot, cancelling, checking in and marking no-shows — the atomic parts of 场馆预约.

book_slot, cancel_booking and check_in work inside the caller's transaction (SQLite runs every
transaction as BEGIN IMMEDIATE; on PostgreSQL the resident and room rows are locked), so two
residents pressing at the same moment can never both get one slot.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from store.clock import utcnow
from store.booking_slots import (booking_days, closure_on, day_bounds, holding, local_date,
                                 opening_slots)
from store.db import Database
from store.models import Booking, BookingPause, Resident, Room, Venue
from store.models.booking import BOOKED, CANCELLED, CHECKED_IN, HOLDING, NO_SHOW
from store.outbox import drop_pending, enqueue
from store.written import written

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud
CODE_LENGTH = 6
NO_SHOW_BATCH = 500
PAUSE_REASON_NO_SHOWS = "no_shows"


@dataclass(frozen=True)
class BookingRules:
    """The knobs of booking; settings.booking has the same names and can be passed instead."""

    weekly_limit: int = 3
    cancel_hours: float = 2
    no_show_limit: int = 2
    no_show_window_days: int = 30
    pause_days: int = 30
    days_ahead: int = 7
    checkin_early_minutes: int = 30


@dataclass(frozen=True)
class BookingResult:
    """status: booked, not_found, paused, past, not_open, closed, too_far, bad_headcount,
    too_many, limit or taken."""

    status: str
    booking: Booking | None = None
    pause: BookingPause | None = None


@dataclass(frozen=True)
class ChangeResult:
    """What cancel_booking or check_in did; status names the outcome."""

    status: str
    booking: Booking | None = None


@dataclass
class NoShowReport:
    """Bookings marked as no-shows and the residents paused for them."""

    marked: int = 0
    paused: list[int] = field(default_factory=list)


def reminder_key(booking_id: int) -> str:
    """The idempotency key of a booking's reminder."""
    return f"booking:{booking_id}:reminder"


def booking_push_prefix(booking_id: int) -> str:
    """Key prefix of every push a booking owes."""
    return f"booking:{booking_id}:"


def normalise_code(code: str) -> str:
    """A typed check-in code in its stored form."""
    return "".join(code.split()).upper()


def active_pause(session: Session, resident_id: int, now: datetime) -> BookingPause | None:
    """The pause that keeps a resident from booking now, the longest one if several."""
    return session.exec(select(BookingPause).where(
        BookingPause.resident_id == resident_id, BookingPause.until > now,
        BookingPause.created_at <= now).order_by(BookingPause.until.desc())).first()


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.exec(select(Booking.id).where(Booking.check_in_code == code,
                                                 Booking.status == written(BOOKED))).first() is None:
            return code


def _week_count(session: Session, resident_id: int, starts_at: datetime, tz: ZoneInfo | str) -> int:
    day = local_date(starts_at, tz)
    monday = day - timedelta(days=day.weekday())
    begin, _ = day_bounds(monday, tz)
    end, _ = day_bounds(monday + timedelta(days=7), tz)
    return session.exec(select(func.count()).select_from(Booking).where(
        Booking.resident_id == resident_id, Booking.status.in_(HOLDING),
        Booking.starts_at >= begin, Booking.starts_at < end)).one()


def book_slot(session: Session, resident_id: int, room_id: int, starts_at: datetime, *,
              purpose: str, headcount: int, now: datetime, tz: ZoneInfo | str = "Asia/Shanghai",
              rules=None) -> BookingResult:
    """Book one slot of a room for a resident (starts_at naive UTC), or say why not."""
    rules = rules or BookingRules()
    # The resident first, then the room: every booking takes them in this order.
    session.exec(select(Resident.id).where(Resident.id == resident_id).with_for_update()).first()
    room = session.exec(select(Room).where(Room.id == room_id).with_for_update()).first()
    venue = session.get(Venue, room.venue_id) if room else None
    if room is None or venue is None or not room.bookable:
        return BookingResult("not_found")
    pause = active_pause(session, resident_id, now)
    if pause is not None:
        return BookingResult("paused", pause=pause)
    if starts_at <= now:
        return BookingResult("past")
    day = local_date(starts_at, tz)
    slot = next((s for s in opening_slots(room, venue, day, tz) if s.starts_at == starts_at), None)
    if slot is None:
        return BookingResult("not_open")
    if closure_on(session, room, day) is not None:
        return BookingResult("closed")
    if day not in booking_days(now, tz, rules.days_ahead):
        return BookingResult("too_far")
    if headcount < 1:
        return BookingResult("bad_headcount")
    if headcount > room.capacity:
        return BookingResult("too_many")
    if _week_count(session, resident_id, starts_at, tz) >= rules.weekly_limit:
        return BookingResult("limit")
    if holding(session, room.id, slot.starts_at, slot.ends_at):
        return BookingResult("taken")
    for _ in range(5):
        booking = Booking(room_id=room.id, resident_id=resident_id, starts_at=slot.starts_at,
                          ends_at=slot.ends_at, purpose=purpose[:50], headcount=headcount,
                          status=BOOKED, check_in_code=_new_code(session), created_at=now,
                          updated_at=now)
        try:
            with session.begin_nested():
                session.add(booking)
                session.flush()
            return BookingResult("booked", booking)
        except IntegrityError:
            # Another worker's booking got the same start or code: the slot check says which.
            if holding(session, room.id, slot.starts_at, slot.ends_at):
                return BookingResult("taken")
    raise RuntimeError("no free check-in code after several tries")


def upcoming_bookings(session: Session, resident_id: int, now: datetime) -> list[Booking]:
    """A resident's bookings that are still to come or under way, soonest first."""
    return list(session.exec(select(Booking).where(
        Booking.resident_id == resident_id, Booking.status.in_((BOOKED, CHECKED_IN)),
        Booking.ends_at > now).order_by(Booking.starts_at, Booking.id)))


def cancel_booking(session: Session, resident_id: int, booking_id: int, now: datetime,
                   rules=None) -> ChangeResult:
    """Cancel the resident's own booking until cancel_hours before it; its reminder is dropped.
    status: cancelled, not_found, already_cancelled, not_cancellable or too_late."""
    rules = rules or BookingRules()
    booking = session.exec(select(Booking).where(Booking.id == booking_id).with_for_update()).first()
    if booking is None or booking.resident_id != resident_id:
        return ChangeResult("not_found")
    if booking.status == CANCELLED:
        return ChangeResult("already_cancelled", booking)
    if booking.status != BOOKED:
        return ChangeResult("not_cancellable", booking)
    if booking.starts_at - now < timedelta(hours=rules.cancel_hours):
        return ChangeResult("too_late", booking)
    booking.status, booking.updated_at = CANCELLED, now
    session.add(booking)
    session.flush()
    drop_pending(session, booking_push_prefix(booking.id))
    return ChangeResult("cancelled", booking)


def booking_by_code(session: Session, code: str) -> Booking | None:
    """The booking a check-in code stands for: the live one, else the latest that had it."""
    code = normalise_code(code)
    return session.exec(select(Booking).where(Booking.check_in_code == code).order_by(
        (Booking.status == written(BOOKED)).desc(), Booking.created_at.desc(), Booking.id.desc())).first()


def check_in(session: Session, booking_id: int, now: datetime, rules=None) -> ChangeResult:
    """Mark a booking checked in, from checkin_early_minutes before its start until its end.
    status: checked_in, not_found, already, cancelled, too_early or ended."""
    rules = rules or BookingRules()
    booking = session.exec(select(Booking).where(Booking.id == booking_id).with_for_update()).first()
    if booking is None:
        return ChangeResult("not_found")
    if booking.status != BOOKED:
        status = {CHECKED_IN: "already", CANCELLED: "cancelled"}.get(booking.status, "ended")
        return ChangeResult(status, booking)
    if now < booking.starts_at - timedelta(minutes=rules.checkin_early_minutes):
        return ChangeResult("too_early", booking)
    if now >= booking.ends_at:
        return ChangeResult("ended", booking)
    booking.status, booking.checked_in_at, booking.updated_at = CHECKED_IN, now, now
    session.add(booking)
    session.flush()
    return ChangeResult("checked_in", booking)


def pause_for_no_shows(session: Session, resident_id: int, now: datetime, rules=None) -> BookingPause | None:
    """Pause a resident who reached no_show_limit within the window, and tell them through the outbox."""
    rules = rules or BookingRules()
    # Held until commit, so two ticks marking this resident's no-shows count them one after the other.
    session.exec(select(Resident.id).where(Resident.id == resident_id).with_for_update()).first()
    if active_pause(session, resident_id, now) is not None:
        return None
    since = now - timedelta(days=rules.no_show_window_days)
    last = session.exec(select(func.max(BookingPause.created_at)).where(
        BookingPause.resident_id == resident_id)).one()
    if last is not None and last > since:
        since = last  # no-shows already paused for do not count again
    count = session.exec(select(func.count()).select_from(Booking).where(
        Booking.resident_id == resident_id, Booking.status == written(NO_SHOW),
        Booking.starts_at >= since)).one()
    if count < rules.no_show_limit:
        return None
    pause = BookingPause(resident_id=resident_id, until=now + timedelta(days=rules.pause_days),
                         reason=PAUSE_REASON_NO_SHOWS, no_shows=count,
                         window_days=rules.no_show_window_days, created_at=now)
    session.add(pause)
    session.flush()
    enqueue(session, idem_key=f"booking:pause:{pause.id}", kind="booking_pause",
            payload={"render": "booking_pause", "pause_id": pause.id}, due_at=now,
            resident_id=resident_id)
    return pause


def mark_no_shows(db: Database, now: datetime | None = None, rules=None) -> NoShowReport:
    """Turn bookings that ended without a check-in into no-shows and pause residents with too many.
    Safe to call from several workers at once; meant for the periodic tick."""
    now = now or utcnow()
    report = NoShowReport()
    while True:
        with db.session() as session:
            query = select(Booking).where(Booking.status == written(BOOKED), Booking.ends_at <= now) \
                .order_by(Booking.id).limit(NO_SHOW_BATCH)
            if db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = list(session.exec(query))
            for booking in rows:
                booking.status, booking.updated_at = NO_SHOW, now
                session.add(booking)
            session.flush()
            for resident_id in sorted({b.resident_id for b in rows}):
                if pause_for_no_shows(session, resident_id, now, rules) is not None:
                    report.paused.append(resident_id)
        report.marked += len(rows)
        if len(rows) < NO_SHOW_BATCH:
            return report
