"""场馆预约, the deciding part: a slot chosen → purpose → headcount → confirm → check-in code.

Buttons: bks:room:YYYYMMDDHHMM (UTC), bkp:n, bky:room:YYYYMMDDHHMM. The purpose and headcount
wait in the dialog state ("booking") until the booking is confirmed.
"""
from __future__ import annotations

import re
from datetime import timedelta

from bot.dialogs.bookings.callbacks import Book, ConfirmBooking, DaySlots, MyBookings, PickPurpose, PickSlot
from bot.dialogs.bookings.choose import ROOM, gone, parse_stamp, room_of, slots_again, stamp
from bot.dialogs.acting import acted
from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.dialogs.menus import menu_button
from bot.dialogs.pushes.bookings import pause_explanation, schedule_booking_reminder
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from store.booking_slots import free_slots, local_date
from store.bookings import book_slot
from store.models import Room, Venue

EXPECT_PURPOSE = "bk_purpose"
EXPECT_COUNT = "bk_count"
PURPOSE_MAX = 50
PURPOSE_KEYS = ("booking_purpose_group", "booking_purpose_rehearsal", "booking_purpose_meeting",
                "booking_purpose_sport", "booking_purpose_reading")
_ZH_DIGITS = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"两": 2}

router = Router("bookings.confirm")


@router.payload(PickSlot, load=ROOM, on_behalf=True)
def pick_slot(ctx: Context, data: PickSlot, found: tuple[Room, Venue]) -> Reply:
    """A slot chosen: make sure it is still free, then ask what it is for."""
    starts_at = parse_stamp(data.start)
    if starts_at is None:
        return gone(ctx)
    room, venue = found
    if starts_at <= ctx.now:
        return slots_again(ctx, room, venue, starts_at, "booking_slot_past")
    day = local_date(starts_at, ctx.tz)
    if all(s.starts_at != starts_at for s in free_slots(ctx.session, room, day, ctx.now, ctx.tz, venue)):
        return slots_again(ctx, room, venue, starts_at, "booking_slot_taken")
    ctx.data["booking"] = {"room": room.id, "start": stamp(starts_at)}
    return ask_purpose(ctx)


def ask_purpose(ctx: Context, intro: str = "") -> Reply:
    """What the room is for: a quick choice or a few typed words."""
    ctx.expect = EXPECT_PURPOSE
    draft = ctx.data.get("booking") or {}
    items = tuple(Choice(ctx.t(key), PickPurpose(n).pack()) for n, key in enumerate(PURPOSE_KEYS, 1))
    text = ctx.t("booking_ask_purpose", limit=PURPOSE_MAX)
    return Reply(f"{intro}\n\n{text}".strip(), items + (_back_to_slots(ctx, draft), menu_button(ctx)))


def _back_to_slots(ctx: Context, draft: dict) -> Choice:
    """返回: the free slots of the day being booked (the venues when that is unknown)."""
    start = parse_stamp(draft.get("start", ""))
    return Choice(ctx.t("btn_back"), DaySlots(draft["room"], f"{local_date(start, ctx.tz):%Y%m%d}").pack()
                  if start and isinstance(draft.get("room"), int) else Book().pack())


def _draft(ctx: Context) -> tuple[dict, Room, Venue] | None:
    draft = ctx.data.get("booking")
    found = room_of(ctx, draft.get("room")) if isinstance(draft, dict) and isinstance(draft.get("room"), int) else None
    return (draft, *found) if found and parse_stamp(draft.get("start", "")) else None


@router.payload(PickPurpose, on_behalf=True)
def pick_purpose(ctx: Context, data: PickPurpose) -> Reply:
    """One of the quick purposes."""
    if not 1 <= data.index <= len(PURPOSE_KEYS) or _draft(ctx) is None:
        return _expired(ctx)
    return take_purpose(ctx, ctx.t(PURPOSE_KEYS[data.index - 1]))


@router.state(EXPECT_PURPOSE, on_behalf=True)
def take_purpose(ctx: Context, text: str) -> Reply:
    """The purpose typed: up to 50 characters, then ask how many people come."""
    found = _draft(ctx)
    if found is None:
        return _expired(ctx)
    purpose = " ".join(text.split())
    if len(purpose) > PURPOSE_MAX:
        return ask_purpose(ctx, intro=ctx.t("booking_purpose_too_long", limit=PURPOSE_MAX, length=len(purpose)))
    found[0]["purpose"] = purpose
    return ask_headcount(ctx, found[1])


def ask_headcount(ctx: Context, room: Room, intro: str = "") -> Reply:
    """How many people: typed as a number; every number typed now means a headcount."""
    ctx.expect = EXPECT_COUNT
    back = _back_to_slots(ctx, ctx.data.get("booking") or {})
    reply = Reply(f"{intro}\n\n{ctx.t('booking_ask_headcount', capacity=room.capacity)}".strip(),
                  (back, menu_button(ctx)))
    ctx.expect_number_answer()
    return reply


def parse_headcount(text: str) -> int | None:
    """3, "3人", "三个人", "十二位" as a number of people; None when there is none."""
    text = re.sub(r"\s|[个位名人口]|一共|总共|共", "", text)
    if text.isdecimal():
        return int(text)
    if not text or any(ch not in _ZH_DIGITS and ch != "十" for ch in text):
        return None
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _ZH_DIGITS[text] if len(text) == 1 else None
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


@router.state(EXPECT_COUNT, on_behalf=True)
def take_headcount(ctx: Context, text: str) -> Reply:
    """Check the headcount against the room, then show everything for confirmation."""
    found = _draft(ctx)
    if found is None:
        return _expired(ctx)
    draft, room, venue = found
    count = parse_headcount(text)
    if count is None or count < 1:
        return ask_headcount(ctx, room, intro=ctx.t("booking_headcount_not_number"))
    if count > room.capacity:
        return ask_headcount(ctx, room, intro=ctx.t("booking_headcount_too_many", room=room.name,
                                                    capacity=room.capacity, count=count))
    draft["headcount"] = count
    ctx.expect = ""
    starts_at = parse_stamp(draft["start"])
    ends_at = starts_at + timedelta(minutes=room.slot_minutes)
    text = ctx.t("booking_confirm", venue=venue.name, room=room.name, address=venue.address or "—",
                 when=format_when(starts_at, ends_at, ctx.tz, ctx.lang), purpose=draft.get("purpose") or "—",
                 headcount=count)
    return Reply(text, (Choice(ctx.t("btn_booking_confirm"), ConfirmBooking(room.id, draft["start"]).pack()),
                        Choice(ctx.t("btn_booking_other_time"),
                               DaySlots(room.id, f"{local_date(starts_at, ctx.tz):%Y%m%d}").pack()),
                        menu_button(ctx)))


def _offset(ctx: Context, minutes: int) -> str:
    if minutes % 60:
        return ctx.t("offset_minutes", n=minutes)
    return ctx.t("offset_hours", n=minutes // 60)


def _expired(ctx: Context) -> Reply:
    ctx.expect = ""
    ctx.data.pop("booking", None)
    return Reply(ctx.t("booking_expired"), (Choice(ctx.t("btn_booking"), Book().pack()), menu_button(ctx)))


@router.payload(ConfirmBooking, on_behalf=True)
def confirm_booking(ctx: Context, data: ConfirmBooking) -> Reply:
    """Book the slot; a slot taken in the meantime, a full week or a pause is said plainly."""
    found = _draft(ctx)
    if found is None or (data.room, data.start) != (found[1].id, found[0].get("start")) \
            or "headcount" not in found[0]:
        return _expired(ctx)
    draft, room, venue = found
    starts_at = parse_stamp(draft["start"])
    result = book_slot(ctx.session, ctx.resident_id, room.id, starts_at, purpose=draft.get("purpose", ""),
                       headcount=draft["headcount"], now=ctx.now, tz=ctx.tz, rules=ctx.settings.booking)
    if result.status == "booked":
        ctx.data.pop("booking", None)
        booking = result.booking
        remind = ""
        if schedule_booking_reminder(ctx.session, ctx.settings, booking, ctx.now):
            remind = ctx.t("booking_remind_note", offset=_offset(ctx, ctx.settings.booking.reminder_minutes))
        acted(ctx, "book", f"booking:{booking.id}", ctx.t(
            "proxy_what_book", place=f"{venue.name}{room.name}",
            when=format_when(booking.starts_at, booking.ends_at, ctx.tz, ctx.lang)), booking)
        text = ctx.t("booking_done", code=booking.check_in_code, venue=venue.name, room=room.name, remind=remind,
                     address=venue.address or "—", hours=f"{ctx.settings.booking.cancel_hours:g}",
                     when=format_when(booking.starts_at, booking.ends_at, ctx.tz, ctx.lang))
        return Reply(text, (Choice(ctx.t("btn_my_bookings"), MyBookings().pack()), menu_button(ctx)))
    if result.status == "paused":
        return Reply(pause_explanation(ctx.settings, result.pause), (menu_button(ctx),))
    if result.status == "limit":
        return Reply(ctx.t("booking_week_full", limit=ctx.settings.booking.weekly_limit),
                     (Choice(ctx.t("btn_my_bookings"), MyBookings().pack()), menu_button(ctx)))
    if result.status in ("too_many", "bad_headcount"):
        return ask_headcount(ctx, room, intro=ctx.t("booking_headcount_too_many", room=room.name,
                                                    capacity=room.capacity, count=draft["headcount"]))
    if result.status == "not_found":
        return gone(ctx)
    key = {"taken": "booking_slot_taken", "past": "booking_slot_past"}.get(result.status, "booking_slot_unavailable")
    return slots_again(ctx, room, venue, starts_at, key)

