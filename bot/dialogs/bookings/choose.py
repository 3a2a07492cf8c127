"""场馆预约, the choosing part: venue → room → day → free slot (confirm.py takes it from there).

Buttons carry ids and times only: book[:page], bkv:venue, bkr:room, bkd:room:YYYYMMDD[:page].
"""
from __future__ import annotations

from datetime import date, datetime

from bot.dialogs.bookings.callbacks import Book, DaySlots, MyBookings, PickSlot, RoomDays, VenueRooms
from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import render_choices
from bot.dialogs.pushes.bookings import pause_explanation
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from store.booking_slots import (booking_days, bookable_venues, day_info, free_slots, local_date,
                                 rooms_of, venue_closed_on)
from store.bookings import active_pause
from store.models import Room, Venue
from store.opening_hours import day_text, load_hours

router = Router("bookings.choose")
router.menu(45, "btn_booking", Book, where="main")
router.keywords({"场馆预约", "预约", "预约场馆", "订场地", "/book"}, Book)


def stamp(when: datetime) -> str:
    """A naive UTC time as it travels in buttons."""
    return when.strftime("%Y%m%d%H%M")


def parse_stamp(text: str) -> datetime | None:
    """The naive UTC time of a button's stamp, or None."""
    try:
        return datetime.strptime(text, "%Y%m%d%H%M")
    except ValueError:
        return None


def _parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def day_label(ctx: Context, day: date) -> str:
    """'12月2日（周三）'."""
    return ctx.t("booking_day", month=day.month, day=day.day, weekday=ctx.t("weekday")[day.weekday()])


def _hours_today(ctx: Context, venue: Venue) -> str:
    today = local_date(ctx.now, ctx.tz)
    hours = day_text(load_hours(venue.opening_hours), today.weekday())
    if hours is None or venue_closed_on(ctx.session, venue.id, today):
        return ctx.t("booking_closed_today")
    return ctx.t("booking_open_today", hours=hours.replace("-", "–"))


def room_of(ctx: Context, room_id: int | None) -> tuple[Room, Venue] | None:
    """A bookable room and its venue, or None."""
    room = ctx.session.get(Room, room_id) if room_id is not None else None
    venue = ctx.session.get(Venue, room.venue_id) if room and room.bookable else None
    return (room, venue) if venue else None


def gone(ctx: Context) -> Reply:
    """The answer to a room (or venue) that can no longer be booked."""
    return Reply(ctx.t("booking_room_gone"), (Choice(ctx.t("btn_booking"), Book().pack()), menu_button(ctx)))


# The bookable room a button names, with its venue.
ROOM = Load(lambda ctx, data: room_of(ctx, data.room), missing=gone)


def _paused(ctx: Context) -> Reply | None:
    pause = active_pause(ctx.session, ctx.resident_id, ctx.now)
    return Reply(pause_explanation(ctx.settings, pause), (menu_button(ctx),)) if pause else None


@router.payload(Book, on_behalf=True)
def show_venues(ctx: Context, data: Book) -> Reply:
    """Venues with bookable rooms, numbered, with address and today's hours."""
    paused = _paused(ctx)
    if paused:
        return paused
    venues = bookable_venues(ctx.session)
    if not venues:
        return Reply(ctx.t("booking_no_venues"), (menu_button(ctx),))
    items = [Choice(v.name, VenueRooms(v.id).pack()) for v in venues]
    tail = (Choice(ctx.t("btn_my_bookings"), MyBookings().pack()), menu_button(ctx))
    choices, note = render_choices(ctx, items, data.page or 1, lambda p: Book(p).pack(), None, tail=tail)
    return Reply(ctx.t("booking_venues_title") + note, tuple(choices))


@router.payload(VenueRooms, on_behalf=True)
def show_rooms(ctx: Context, data: VenueRooms) -> Reply:
    """The bookable rooms of a venue; a venue with one room goes straight to its days."""
    venue = ctx.session.get(Venue, data.venue)
    rooms = rooms_of(ctx.session, venue.id) if venue else []
    if not rooms:
        return gone(ctx)
    if len(rooms) == 1:
        found = room_of(ctx, rooms[0].id)
        return days_screen(ctx, *found) if found else gone(ctx)
    items = tuple(Choice(ctx.t("booking_room_label", name=r.name, capacity=r.capacity), RoomDays(r.id).pack())
                  for r in rooms)
    text = ctx.t("booking_rooms_title", venue=venue.name, address=venue.address or "—", phone=venue.phone or "—",
                 hours=_hours_today(ctx, venue))
    choices, note = render_choices(ctx, items, 1, lambda p: VenueRooms(venue.id).pack(),
                                   Choice(ctx.t("btn_back"), Book().pack()), tail=(menu_button(ctx),))
    return Reply(text + note, tuple(choices))


@router.payload(RoomDays, load=ROOM, on_behalf=True)
def show_days(ctx: Context, data: RoomDays, found: tuple[Room, Venue]) -> Reply:
    """The next days of a room, closed and full days marked."""
    return days_screen(ctx, *found, page=data.page)


def days_screen(ctx: Context, room: Room, venue: Venue, intro: str = "", page: int | None = None) -> Reply:
    """The next days of a room, with a note on top when there is one."""
    today = local_date(ctx.now, ctx.tz)
    items = []
    for day in booking_days(ctx.now, ctx.tz, ctx.settings.booking.days_ahead):
        info = day_info(ctx.session, room, venue, day, ctx.now, ctx.tz)
        if info.closed:
            note = ctx.t("booking_day_closed", reason=f"（{info.reason}）" if info.reason else "")
        elif info.free == 0:
            note = ctx.t("booking_day_full")
        else:
            note = ctx.t("booking_day_today") if day == today else ""
        items.append(Choice(day_label(ctx, day) + note, DaySlots(room.id, f"{day:%Y%m%d}").pack()))
    back = Book() if len(rooms_of(ctx.session, venue.id)) == 1 else VenueRooms(venue.id)
    text = ctx.t("booking_days_title", venue=venue.name, room=room.name, capacity=room.capacity,
                 minutes=room.slot_minutes, address=venue.address or "—", hours=_hours_today(ctx, venue))
    choices, note = render_choices(ctx, items, page or 1, lambda p: RoomDays(room.id, p).pack(),
                                   Choice(ctx.t("btn_back"), back.pack()), tail=(menu_button(ctx),))
    return Reply(f"{intro}\n\n{text}{note}".strip(), tuple(choices))


@router.payload(DaySlots, load=ROOM, on_behalf=True)
def show_slots(ctx: Context, data: DaySlots, found: tuple[Room, Venue]) -> Reply:
    """Free slots of a room on a day, at most a page at a time."""
    day = _parse_day(data.day)
    if day is None:
        return gone(ctx)
    return slots_screen(ctx, *found, day, data.page)


def slots_screen(ctx: Context, room: Room, venue: Venue, day: date, page: int | None = None,
                 intro: str = "") -> Reply:
    """Free slots of a room on a day; a closed or full day shows the days again, saying why."""
    info = day_info(ctx.session, room, venue, day, ctx.now, ctx.tz)
    if info.closed:
        why = ctx.t("booking_closed_why", reason=info.reason) if info.reason else ""
        return days_screen(ctx, room, venue, intro=ctx.t("booking_day_is_closed", day=day_label(ctx, day), why=why))
    slots = free_slots(ctx.session, room, day, ctx.now, ctx.tz, venue)
    if not slots:
        return days_screen(ctx, room, venue, intro=ctx.t("booking_day_no_slots", day=day_label(ctx, day)))
    items = [Choice(f"{to_local(s.starts_at, ctx.tz):%H:%M}–{to_local(s.ends_at, ctx.tz):%H:%M}",
                    PickSlot(room.id, stamp(s.starts_at)).pack()) for s in slots]
    choices, note = render_choices(ctx, items, page or 1,
                                   lambda p: DaySlots(room.id, f"{day:%Y%m%d}", p).pack(),
                                   Choice(ctx.t("btn_back"), RoomDays(room.id).pack()), tail=(menu_button(ctx),))
    text = ctx.t("booking_slots_title", room=room.name, day=day_label(ctx, day)) + note
    return Reply(f"{intro}\n\n{text}".strip(), tuple(choices))


def slots_again(ctx: Context, room: Room, venue: Venue, starts_at: datetime, intro_key: str) -> Reply:
    """The slot list of a day again, explaining why the chosen slot cannot be had."""
    return slots_screen(ctx, room, venue, local_date(starts_at, ctx.tz), intro=ctx.t(intro_key))
