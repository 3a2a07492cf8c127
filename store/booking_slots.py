"""Rooms and their slots: what a local day offers from the venue's weekly hours, closures and bookings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, select

from store.models import Booking, Room, RoomClosure, Venue
from store.models.booking import HOLDING
from store.opening_hours import day_span, load_hours


@dataclass(frozen=True)
class Slot:
    """One bookable stretch of a room, in naive UTC."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class DayInfo:
    """What a local day holds for a room: closed (with the closure's reason, "" when simply not
    open that weekday), or the number of free slots left."""

    day: date
    closed: bool
    reason: str = ""
    free: int = 0


def zone(tz: ZoneInfo | str) -> ZoneInfo:
    """A ZoneInfo from a zone or its name."""
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def to_utc(local: datetime) -> datetime:
    """An aware local time as naive UTC."""
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def local_date(when: datetime, tz: ZoneInfo | str) -> date:
    """The local date of a naive UTC time."""
    return when.replace(tzinfo=timezone.utc).astimezone(zone(tz)).date()


def day_bounds(day: date, tz: ZoneInfo | str) -> tuple[datetime, datetime]:
    """Naive UTC start and end of a local day."""
    tz = zone(tz)
    return (to_utc(datetime.combine(day, time(0), tz)),
            to_utc(datetime.combine(day + timedelta(days=1), time(0), tz)))


def bookable_venues(session: Session) -> list[Venue]:
    """Venues with at least one bookable room, in the order they were added."""
    with_rooms = select(Room.venue_id).where(Room.bookable == True)  # noqa: E712
    return list(session.exec(select(Venue).where(Venue.id.in_(with_rooms)).order_by(Venue.id)))


def rooms_of(session: Session, venue_id: int) -> list[Room]:
    """The bookable rooms of a venue."""
    return list(session.exec(select(Room).where(Room.venue_id == venue_id, Room.bookable == True)  # noqa: E712
                             .order_by(Room.id)))


def opening_slots(room: Room, venue: Venue, day: date, tz: ZoneInfo | str) -> list[Slot]:
    """Every slot of a local day from the venue's hours and the room's slot length."""
    span = day_span(load_hours(venue.opening_hours), day.weekday())
    if span is None:
        return []
    tz = zone(tz)
    opens = datetime.combine(day, time(0), tz)
    slots, start = [], span[0]
    while start + room.slot_minutes <= span[1]:
        begin = opens + timedelta(minutes=start)
        slots.append(Slot(to_utc(begin), to_utc(begin + timedelta(minutes=room.slot_minutes))))
        start += room.slot_minutes
    return slots


def closure_on(session: Session, room: Room, day: date) -> RoomClosure | None:
    """The closure of the room or its venue on a local date, if any."""
    return session.exec(select(RoomClosure).where(
        RoomClosure.date == day,
        or_(RoomClosure.room_id == room.id, RoomClosure.venue_id == room.venue_id),
    ).order_by(RoomClosure.id)).first()


def venue_closed_on(session: Session, venue_id: int, day: date) -> RoomClosure | None:
    """The closure of a whole venue on a local date, if any."""
    return session.exec(select(RoomClosure).where(RoomClosure.date == day, RoomClosure.venue_id == venue_id)
                        .order_by(RoomClosure.id)).first()


def holding(session: Session, room_id: int, start: datetime, end: datetime) -> list[Booking]:
    """Bookings of a room that hold any time between start and end."""
    return list(session.exec(select(Booking).where(
        Booking.room_id == room_id, Booking.status.in_(HOLDING),
        Booking.starts_at < end, Booking.ends_at > start,
    ).order_by(Booking.starts_at)))


def free_slots(session: Session, room: Room, day: date, now: datetime,
               tz: ZoneInfo | str, venue: Venue | None = None) -> list[Slot]:
    """Slots of a local day that are open, not closed, not booked and not started yet."""
    venue = venue or session.get(Venue, room.venue_id)
    if venue is None or closure_on(session, room, day) is not None:
        return []
    slots = [s for s in opening_slots(room, venue, day, tz) if s.starts_at > now]
    if not slots:
        return []
    taken = holding(session, room.id, slots[0].starts_at, slots[-1].ends_at)
    return [s for s in slots
            if not any(b.starts_at < s.ends_at and b.ends_at > s.starts_at for b in taken)]


def day_info(session: Session, room: Room, venue: Venue, day: date, now: datetime,
             tz: ZoneInfo | str) -> DayInfo:
    """Whether a local day is closed for the room, and how many slots are free."""
    closure = closure_on(session, room, day)
    if closure is not None:
        return DayInfo(day, True, closure.reason)
    if not opening_slots(room, venue, day, tz):
        return DayInfo(day, True)
    return DayInfo(day, False, free=len(free_slots(session, room, day, now, tz, venue)))


def booking_days(now: datetime, tz: ZoneInfo | str, days_ahead: int) -> list[date]:
    """The local dates residents may book: today and the days after it."""
    today = local_date(now, tz)
    return [today + timedelta(days=n) for n in range(max(1, days_ahead))]
