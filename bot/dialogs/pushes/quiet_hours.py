"""Quiet hours: non-urgent pushes due at night wait until morning (local time)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.settings import Settings


def parse_clock(value: str) -> time:
    """'21:30' as a time of day."""
    hours, _, minutes = value.strip().partition(":")
    return time(int(hours), int(minutes or 0))


def in_window(moment: time, start: time, end: time) -> bool:
    """True when a time of day lies in [start, end); the window may cross midnight."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def quiet_until(local: datetime, start: time, end: time) -> datetime | None:
    """The local end of the quiet window that `local` falls in, or None when it is not quiet."""
    moment = local.time().replace(tzinfo=None)
    if not in_window(moment, start, end):
        return None
    day = local.date()
    if start > end and moment >= start:  # the evening part of a window that crosses midnight
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=local.tzinfo)


def next_allowed(due_at_utc: datetime, settings: Settings, urgent: bool) -> datetime:
    """When a push due at due_at_utc (naive UTC) may go out: urgent ones at once, others after quiet hours."""
    if urgent:
        return due_at_utc
    zone = ZoneInfo(settings.general.timezone)
    local = due_at_utc.replace(tzinfo=timezone.utc).astimezone(zone)
    end = quiet_until(local, parse_clock(settings.scheduler.quiet_start),
                      parse_clock(settings.scheduler.quiet_end))
    if end is None:
        return due_at_utc
    # Normalise through UTC so a zone with daylight saving lands on a real instant.
    return end.astimezone(timezone.utc).replace(tzinfo=None)
