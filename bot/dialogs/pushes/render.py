"""Reminders and satisfaction polls, rendered when the outbox sends them.

The delivery engine calls render_push for every outbox row whose payload has a "render" key.
Rendering late means a changed venue, teacher or time shows as it is now; None means the push
is obsolete (place cancelled, leave taken, reminders switched off for the course by the organizer or
by the resident, or all of them by the resident, session gone or over) and the row is closed
without sending.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.dialogs.pushes.bookings import render_booking_push
from bot.dialogs.pushes.watches import RENDERS as WATCH_RENDERS, render_watch_push
from bot.dialogs.formatting import format_when
from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from bot.dialogs.pushes.plan import poll_closes_at, reminder_due
from store.catalog import venue_of
from store.leaves import confirmed_enrolment, on_leave
from store.models import ChannelAccount, ClassSession, Course, Enrolment, OutboxMessage, Resident
from store.models.rating import GRADES
from store.ratings import rating_of

log = logging.getLogger("linli.pushes")


def render_push(session: Session, settings: Settings, message: OutboxMessage,
                account: ChannelAccount, now: datetime) -> Reply | None:
    """The reply an outbox row stands for right now, or None when it should not be sent."""
    try:
        payload = json.loads(message.payload)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        log.warning("outbox row %s has a broken payload", message.id)
        return None
    if payload.get("render") in ("booking_reminder", "booking_pause"):
        return render_booking_push(session, settings, message, account, now, payload)
    if payload.get("render") in WATCH_RENDERS:
        return render_watch_push(session, settings, message, now, payload)
    renderer = RENDERERS.get(payload.get("render"))
    session_id = payload.get("session_id")
    if renderer is None or not isinstance(session_id, int):
        log.warning("outbox row %s: nothing renders %r", message.id, payload.get("render"))
        return None
    resident_id = message.resident_id or account.resident_id
    cls = session.get(ClassSession, session_id)
    course = session.get(Course, cls.course_id) if cls else None
    if cls is None or course is None:
        return None
    enrolment = confirmed_enrolment(session, course.id, resident_id)
    if enrolment is None or on_leave(session, cls.id, resident_id):
        return None
    return renderer(session, settings, course, cls, enrolment, now, payload)


def _when(settings: Settings, cls: ClassSession) -> str:
    return format_when(cls.starts_at, cls.ends_at, ZoneInfo(settings.general.timezone),
                       settings.general.language)


def _reminder_head(settings: Settings, cls: ClassSession, now: datetime) -> str:
    tz = ZoneInfo(settings.general.timezone)
    days = (cls.starts_at.replace(tzinfo=timezone.utc).astimezone(tz).date()
            - now.replace(tzinfo=timezone.utc).astimezone(tz).date()).days
    key = {0: "reminder_head_today", 1: "reminder_head_tomorrow"}.get(days, "reminder_head")
    return t(key, settings.general.language)


def _superseded(settings: Settings, cls: ClassSession, minutes: object, now: datetime) -> bool:
    # Sent late (the sender was down), an early reminder is dropped once a closer one is due.
    if not isinstance(minutes, int):
        return False
    return any(reminder_due(settings, cls.starts_at, other) <= now
               for other in settings.scheduler.reminder_offsets_minutes if other < minutes)


def render_reminder(session: Session, settings: Settings, course: Course, cls: ClassSession,
                    enrolment: Enrolment, now: datetime, payload: dict) -> Reply | None:
    """Course, local time, place, teacher, with 请假 and 取消报名."""
    resident = session.get(Resident, enrolment.resident_id)
    if not (course.active and course.reminders_on and enrolment.reminders_on and resident and resident.reminders_on):
        return None  # the organizer's switch for the course, the resident's for it and for all
    if cls.starts_at <= now or _superseded(settings, cls, payload.get("minutes"), now):
        return None
    lang = settings.general.language
    venue = venue_of(session, course)
    text = t("reminder", lang, head=_reminder_head(settings, cls, now), title=course.title,
             when=_when(settings, cls), venue=venue.name if venue else "—",
             address=(venue.address if venue else "") or "—", teacher=course.teacher or "—")
    return Reply(text, (Choice(t("btn_leave", lang), f"lv:{cls.id}"),
                        Choice(t("btn_cancel_signup", lang), f"cx:{enrolment.id}")))


def grade_choices(session_id: int) -> tuple[Choice, ...]:
    """优 / 良 / 中 / 差 for one session."""
    return tuple(Choice(grade, f"rt:{session_id}:{grade}") for grade in GRADES)


def render_poll(session: Session, settings: Settings, course: Course, cls: ClassSession,
                enrolment: Enrolment, now: datetime, payload: dict) -> Reply | None:
    """优 / 良 / 中 / 差 after a session, while the poll is open and not yet answered."""
    if cls.ends_at > now or now > poll_closes_at(settings, cls):
        return None
    if rating_of(session, cls.id, enrolment.resident_id) is not None:
        return None
    text = t("poll", settings.general.language, title=course.title, when=_when(settings, cls))
    return Reply(text, grade_choices(cls.id))


Renderer = Callable[[Session, Settings, Course, ClassSession, Enrolment, datetime, dict], "Reply | None"]
RENDERERS: dict[str, Renderer] = {"reminder": render_reminder, "poll": render_poll}
