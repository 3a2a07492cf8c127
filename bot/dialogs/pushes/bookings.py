"""Pushes a booking owes: the reminder before it and the notice of a pause, rendered when sent."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.dialogs.formatting import format_when, to_local
from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from bot.dialogs.pushes.plan import reminder_time
from store.bookings import PAUSE_REASON_NO_SHOWS, reminder_key
from store.models import Booking, BookingPause, ChannelAccount, OutboxMessage, Room, Venue
from store.models.booking import BOOKED
from store.outbox import enqueue

log = logging.getLogger("linli.pushes")


def schedule_booking_reminder(session: Session, settings: Settings, booking: Booking, now: datetime) -> bool:
    """Put the reminder of a new booking in the outbox; False when it would come too late to help."""
    due = reminder_time(settings, booking.starts_at, settings.booking.reminder_minutes, now)
    if due is None:
        return False
    return enqueue(session, idem_key=reminder_key(booking.id), kind="booking_reminder",
                   payload={"render": "booking_reminder", "booking_id": booking.id},
                   due_at=due, resident_id=booking.resident_id)


def place_of(session: Session, booking: Booking) -> tuple[Room | None, Venue | None]:
    """The room and venue of a booking."""
    room = session.get(Room, booking.room_id)
    return room, session.get(Venue, room.venue_id) if room else None


def local_until(settings: Settings, when: datetime) -> str:
    """'1月1日 08:00' in the display zone."""
    local = to_local(when, ZoneInfo(settings.general.timezone))
    return t("booking_until", settings.general.language, month=local.month, day=local.day,
             time=local.strftime("%H:%M"))


def pause_explanation(settings: Settings, pause: BookingPause) -> str:
    """Why a resident cannot book, and until when."""
    lang, until = settings.general.language, local_until(settings, pause.until)
    if pause.reason == PAUSE_REASON_NO_SHOWS:
        return t("booking_paused_no_shows", lang, days=pause.window_days, count=pause.no_shows, until=until)
    return t("booking_paused_other", lang, reason=pause.reason or "—", until=until)


def _day_word(settings: Settings, when: datetime, now: datetime) -> str:
    tz = ZoneInfo(settings.general.timezone)
    days = (when.replace(tzinfo=timezone.utc).astimezone(tz).date()
            - now.replace(tzinfo=timezone.utc).astimezone(tz).date()).days
    return t({0: "booking_reminder_today", 1: "booking_reminder_tomorrow"}.get(days, "booking_reminder_head"),
             settings.general.language)


def _reminder(session: Session, settings: Settings, booking_id: object, now: datetime) -> Reply | None:
    booking = session.get(Booking, booking_id) if isinstance(booking_id, int) else None
    if booking is None or booking.status != BOOKED or booking.starts_at <= now:
        return None
    room, venue = place_of(session, booking)
    if room is None or venue is None:
        return None
    lang = settings.general.language
    text = t("booking_reminder", lang, head=_day_word(settings, booking.starts_at, now),
             venue=venue.name, room=room.name, address=venue.address or "—",
             when=format_when(booking.starts_at, booking.ends_at, ZoneInfo(settings.general.timezone), lang),
             code=booking.check_in_code)
    return Reply(text, (Choice(t("btn_my_bookings", lang), "mybk"), Choice(t("btn_menu", lang), "menu")))


def _pause(session: Session, settings: Settings, pause_id: object, now: datetime) -> Reply | None:
    pause = session.get(BookingPause, pause_id) if isinstance(pause_id, int) else None
    if pause is None or pause.until <= now:
        return None
    return Reply(pause_explanation(settings, pause), (Choice(t("btn_menu", settings.general.language), "menu"),))


def render_booking_push(session: Session, settings: Settings, message: OutboxMessage,
                        account: ChannelAccount, now: datetime, payload: dict) -> Reply | None:
    """The reply of a booking_reminder or booking_pause row now, or None when it is obsolete."""
    if payload.get("render") == "booking_reminder":
        return _reminder(session, settings, payload.get("booking_id"), now)
    if payload.get("render") == "booking_pause":
        return _pause(session, settings, payload.get("pause_id"), now)
    log.warning("outbox row %s: nothing renders %r", message.id, payload.get("render"))
    return None
