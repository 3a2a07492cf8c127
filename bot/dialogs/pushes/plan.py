"""What a seat in a course owes its holder: reminders before each session and a poll after it.

Each becomes an outbox row when it falls due, for everyone holding a seat then
(bot.dialogs.pushes.planner); a place taken later writes, in its own transaction, the ones the plan
has already passed. Every key of one resident in one course starts with the same words, so a
cancellation can drop them by prefix: reminder:course:{course}:resident:{resident}:… and
poll:course:{course}:resident:{resident}:….
"""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.settings import Settings
from store.catalog import SessionTimes, sessions_of
from store.clock import utcnow
from store.enrolments import confirmed_residents, live_enrolment
from store.models import Course
from store.outbox import insert_many, pending_row
from store.push_plan import planned_until

READ_IT = object()  # the plan's reach not passed in: read it

# A reminder moved out of the quiet hours goes this long before they start, so a busy tick or a
# retry still lands before the delivery engine starts holding pushes until the morning.
EVENING_LEAD_MINUTES = 30


def reminder_key(course_id: int, resident_id: int, session_id: int, minutes: int) -> str:
    """The idempotency key of one reminder."""
    return f"reminder:course:{course_id}:resident:{resident_id}:session:{session_id}:{minutes}m"


def poll_key(course_id: int, resident_id: int, session_id: int) -> str:
    """The idempotency key of one satisfaction poll."""
    return f"poll:course:{course_id}:resident:{resident_id}:session:{session_id}"


def course_push_prefixes(course_id: int, resident_id: int) -> tuple[str, str]:
    """Key prefixes of every reminder and poll a resident is owed for a course."""
    tail = f"course:{course_id}:resident:{resident_id}:"
    return f"reminder:{tail}", f"poll:{tail}"


def session_reminder_prefix(course_id: int, resident_id: int, session_id: int) -> str:
    """Key prefix of a resident's reminders for one session."""
    return f"reminder:course:{course_id}:resident:{resident_id}:session:{session_id}:"


def _clock_time(value: str) -> time:
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


@lru_cache(maxsize=8)
def _quiet_hours(timezone_name: str, start: str, end: str) -> tuple[ZoneInfo, time, time]:
    # Read once per setting: a sign-up works out a window for each of its reminders.
    return ZoneInfo(timezone_name), _clock_time(start), _clock_time(end)


def _utc(local: datetime) -> datetime:
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _window(tz: ZoneInfo, start_t: time, end_t: time, when: datetime) -> tuple[datetime, datetime] | None:
    if start_t == end_t:
        return None
    local = when.replace(tzinfo=timezone.utc).astimezone(tz)
    for back in (1, 0):
        day = local.date() - timedelta(days=back)
        start = datetime.combine(day, start_t, tz)
        end_day = day if start_t < end_t else day + timedelta(days=1)
        end = datetime.combine(end_day, end_t, tz)
        if start <= local < end:
            return _utc(start), _utc(end)
    return None


def reminder_due(settings: Settings, starts_at: datetime, minutes: int) -> datetime:
    """When a reminder goes out; one that quiet hours would hold until the morning of the class
    (or past its start) goes out the evening before instead."""
    return _reminder_due(settings.general.timezone, settings.scheduler.quiet_start, settings.scheduler.quiet_end,
                         starts_at, minutes)


@lru_cache(maxsize=4096)
def _reminder_due(timezone_name: str, quiet_start: str, quiet_end: str, starts_at: datetime,
                  minutes: int) -> datetime:
    # Every resident of a course gets the same times: worked out once per session and offset.
    due = starts_at - timedelta(minutes=minutes)
    tz, start_t, end_t = _quiet_hours(timezone_name, quiet_start, quiet_end)
    window = _window(tz, start_t, end_t, due)
    if window is None:
        return due
    quiet_start_at, quiet_end_at = window
    same_day = (quiet_end_at.replace(tzinfo=timezone.utc).astimezone(tz).date()
                == starts_at.replace(tzinfo=timezone.utc).astimezone(tz).date())
    if quiet_end_at >= starts_at or same_day:
        return quiet_start_at - timedelta(minutes=EVENING_LEAD_MINUTES)
    return due


def evening_between(settings: Settings, since: datetime, now: datetime) -> bool:
    """True when (since, now] holds a moment quiet hours move reminders to (the evening before)."""
    tz, start_t, end_t = _quiet_hours(settings.general.timezone, settings.scheduler.quiet_start,
                                      settings.scheduler.quiet_end)
    if start_t == end_t:
        return False
    if now - since >= timedelta(days=1):
        return True
    first = since.replace(tzinfo=timezone.utc).astimezone(tz).date()
    for days in range(-1, 3):
        moment = _utc(datetime.combine(first + timedelta(days=days), start_t, tz)) - timedelta(
            minutes=EVENING_LEAD_MINUTES)
        if since < moment <= now:
            return True
    return False


def poll_due_at(settings: Settings, cls: SessionTimes) -> datetime:
    """When the satisfaction poll of a session goes out."""
    return cls.ends_at + timedelta(minutes=settings.scheduler.poll_delay_minutes)


def poll_closes_at(settings: Settings, cls: SessionTimes) -> datetime:
    """After this time a session takes no more ratings."""
    return poll_due_at(settings, cls) + timedelta(days=settings.scheduler.poll_open_days)


def reminder_row(course_id: int, resident_id: int, cls: SessionTimes, minutes: int, due: datetime,
                 written: datetime) -> dict:
    """The outbox row of one reminder."""
    return pending_row(idem_key=reminder_key(course_id, resident_id, cls.id, minutes), kind="reminder",
                       payload=_payload("reminder", cls.id, minutes), due_at=due, resident_id=resident_id,
                       created_at=written)


def poll_row(settings: Settings, course_id: int, resident_id: int, cls: SessionTimes, written: datetime) -> dict:
    """The outbox row of one satisfaction poll."""
    return pending_row(idem_key=poll_key(course_id, resident_id, cls.id), kind="poll",
                       payload=_payload("poll", cls.id), due_at=poll_due_at(settings, cls),
                       resident_id=resident_id, created_at=written)


def schedule_course_reminders(session: Session, settings: Settings, course: Course,
                              resident_id: int, now: datetime, sessions: list[SessionTimes] | None = None,
                              reminders_on: bool | None = None, planned: datetime | None | object = READ_IT) -> int:
    """Write a place's reminders (when the course's and the resident's switch for it are on) and polls
    that the plan has passed already, in one statement; returns how many. Later ones are written for
    everyone when they fall due. The caller holds the course's lock. One that has just read the
    course's sessions, knows the resident's switch (a new place has it on) or the plan's reach passes
    them."""
    planned = planned_until(session) if planned is READ_IT else planned
    if planned is None:
        return 0  # nothing planned yet: the first plan writes everything due
    if reminders_on is None:
        enrolment = live_enrolment(session, course.id, resident_id)
        reminders_on = enrolment is None or enrolment.reminders_on
    reminders = course.reminders_on and reminders_on
    written = utcnow()
    rows = []
    for cls in sessions_of(session, course.id) if sessions is None else sessions:
        if cls.starts_at <= now:
            continue
        if reminders:
            for minutes in settings.scheduler.reminder_offsets_minutes:
                if reminder_due(settings, cls.starts_at, minutes) > planned:
                    continue
                due = reminder_time(settings, cls.starts_at, minutes, now)
                if due is not None:
                    rows.append(reminder_row(course.id, resident_id, cls, minutes, due, written))
        if poll_due_at(settings, cls) <= planned:
            rows.append(poll_row(settings, course.id, resident_id, cls, written))
    return len(insert_many(session, rows))


def reminder_time(settings: Settings, starts_at: datetime, minutes: int, now: datetime) -> datetime | None:
    """When a reminder written now goes out: reminder_due, or the plain time before the start when the
    evening before has passed; None when that has passed too."""
    due = reminder_due(settings, starts_at, minutes)
    if due <= now:
        # Too late for the evening before: the plain time still helps if it is ahead.
        due = starts_at - timedelta(minutes=minutes)
        if due <= now:
            return None
    return due


@lru_cache(maxsize=4096)
def _payload(render: str, session_id: int, minutes: int | None = None) -> str:
    # The same few words for every resident of a session: encoded once.
    payload = {"render": render, "session_id": session_id}
    if minutes is not None:
        payload["minutes"] = minutes
    return json.dumps(payload, ensure_ascii=False)


def reschedule_course(session: Session, settings: Settings, course: Course, now: datetime) -> int:
    """Write what the plan has passed and is missing for everyone holding a seat (after reminders are
    switched on or sessions are added or moved); existing rows are kept. The caller holds the
    course's lock."""
    planned = planned_until(session)
    return sum(schedule_course_reminders(session, settings, course, rid, now, planned=planned)
               for rid in confirmed_residents(session, course.id))
