"""Venue booking: bookable rooms, closed days, bookings and booking pauses."""
from __future__ import annotations

import datetime as dt

from pydantic import NaiveDatetime
from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from store.clock import utcnow

BOOKED = "booked"
CANCELLED = "cancelled"
CHECKED_IN = "checked_in"
NO_SHOW = "no_show"
# Statuses that hold a room's time: everything but a cancellation.
HOLDING = (BOOKED, CHECKED_IN, NO_SHOW)


class Room(SQLModel, table=True):
    """A bookable room or area of a venue, booked in slots of slot_minutes."""

    __table_args__ = (Index("uq_room_venue_code", "venue_id", "code", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    venue_id: int = Field(foreign_key="venue.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=60)
    capacity: int = Field(default=10, ge=1)
    slot_minutes: int = Field(default=60, ge=15)
    bookable: bool = True


class RoomClosure(SQLModel, table=True):
    """A local date on which a room (room_id) or a whole venue (venue_id) takes no bookings."""

    __tablename__ = "room_closure"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int | None = Field(default=None, foreign_key="room.id", index=True)
    venue_id: int | None = Field(default=None, foreign_key="venue.id", index=True)
    date: dt.date = Field(index=True)
    reason: str = Field(default="", max_length=100)


class Booking(SQLModel, table=True):
    """One resident's booking of one room, in naive UTC; check_in_code is shown to staff on arrival."""

    __table_args__ = (
        Index("ix_booking_room_time", "room_id", "starts_at"),
        Index("ix_booking_status_end", "status", "ends_at"),
        # Backstops for the locked check in store.bookings: one live booking per room and start,
        # and a check-in code that means one booking while it can still be used.
        Index("uq_booking_room_start", "room_id", "starts_at", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("uq_booking_code_live", "check_in_code", unique=True,
              sqlite_where=text("status = 'booked'"), postgresql_where=text("status = 'booked'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id")
    resident_id: int = Field(foreign_key="resident.id", index=True)
    starts_at: NaiveDatetime
    ends_at: NaiveDatetime
    purpose: str = Field(default="", max_length=50)
    headcount: int = Field(default=1, ge=1)
    status: str = Field(default=BOOKED, max_length=12)
    check_in_code: str = Field(max_length=8)
    checked_in_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
    proxy_by: int | None = Field(default=None, foreign_key="resident.id")  # 代办: who booked for them


class BookingPause(SQLModel, table=True):
    """A resident may not book until `until`; reason "no_shows" (with the count that triggered it)
    or a note written by staff."""

    __tablename__ = "booking_pause"

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    until: NaiveDatetime
    reason: str = Field(default="", max_length=200)
    no_shows: int = 0
    window_days: int = 0
    created_at: NaiveDatetime = Field(default_factory=utcnow)
