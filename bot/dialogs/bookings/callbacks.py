"""What the buttons of venue booking carry: ids, a day as YYYYMMDD, a slot start as YYYYMMDDHHMM (UTC)."""
from __future__ import annotations

from bot.dialogs.callback import Callback


class Book(Callback, prefix="book"):
    page: int | None = None


class VenueRooms(Callback, prefix="bkv"):
    venue: int


class RoomDays(Callback, prefix="bkr"):
    room: int
    page: int | None = None


class DaySlots(Callback, prefix="bkd"):
    room: int
    day: str
    page: int | None = None


class PickSlot(Callback, prefix="bks"):
    room: int
    start: str


class PickPurpose(Callback, prefix="bkp"):
    index: int


class ConfirmBooking(Callback, prefix="bky"):
    room: int
    start: str


class MyBookings(Callback, prefix="mybk"):
    page: int | None = None


class AskCancelBooking(Callback, prefix="bkc"):
    booking: int


class CancelBooking(Callback, prefix="bkcy"):
    booking: int


class CheckIn(Callback, prefix="checkin"):
    code: str | None = None
