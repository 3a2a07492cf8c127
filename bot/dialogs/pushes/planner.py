"""Reminders and polls become outbox rows when they fall due, for everyone they are owed to then.

Each tick plans what fell due since the plan's last reach: a reminder for everyone holding a seat
whose switches are on, a poll for everyone seated before the session began, nobody on leave. A
place taken later writes the ones the plan has passed itself (plan.schedule_course_reminders), so
taking a seat writes no rows for the weeks ahead, and a course's rows exist only once they are due.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.dialogs.pushes.plan import (EVENING_LEAD_MINUTES, evening_between, poll_due_at, poll_row, reminder_due,
                                    reminder_row, reminder_time)
from bot.settings import Settings
from store.clock import utcnow
from store.db import Database
from store.enrolments import lock_course
from store.models import Course
from store.outbox import insert_many
from store.push_plan import (DueSession, advance_plan, hold_plan, owed_pushes, sessions_ending,
                             sessions_starting)

log = logging.getLogger("linli.pushes")

# Quiet hours move a reminder at most this far before its offset: to the evening before the class.
EARLIEST_SHIFT = timedelta(hours=24, minutes=EVENING_LEAD_MINUTES)
LOCK_WAIT_MS = 500
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's lock_not_available


def plan_due_pushes(db: Database, settings: Settings, now: datetime) -> int:
    """Write the reminders and polls that fell due since the last plan, up to now; how many rows.
    A course locked for longer than half a second (LOCK_WAIT_MS) leaves the plan to the next tick."""
    try:
        return _plan(db, settings, now)
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        log.warning("planning due pushes waited too long for a course's lock; the next tick plans")
        return 0


def _plan(db: Database, settings: Settings, now: datetime) -> int:
    with db.session() as session:
        if db.is_postgres:
            # The planner locks several courses, as a catalogue import does: it gives up before
            # PostgreSQL's deadlock check (1 s) could pick the import to fail instead.
            session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'"))
        since = hold_plan(session)
        if since is not None and since >= now:
            return 0
        due = _due(session, settings, since, now)
        locked: dict[int, Course] = {}
        # Lock each course, then read its sessions again: a change committed before the lock shows.
        while missing := sorted({cls.course_id for cls, _ in due} - set(locked)):
            for course_id in missing:
                locked[course_id] = lock_course(session, course_id)
            due = _due(session, settings, since, now)
        written, rows = utcnow(), []
        for cls, items in due:
            course = locked[cls.course_id]
            if course is None:
                continue
            for owed in owed_pushes(session, cls):
                for minutes, when in items:
                    if minutes is None:
                        rows.append(poll_row(settings, course.id, owed.resident_id, cls, written))
                    elif course.reminders_on and owed.reminders:
                        # Seated after it fell due, a resident gets what their own place would have
                        # written: the plain time before the start, if that is still ahead.
                        at = when if owed.seated_at <= when else reminder_time(settings, cls.starts_at, minutes,
                                                                                owed.seated_at)
                        if at is not None:
                            rows.append(reminder_row(course.id, owed.resident_id, cls, minutes, at, written))
        added = len(insert_many(session, rows))
        advance_plan(session, now)
    if added:
        log.info("planned %d reminders and polls due by %s", added, now)
    return added


def _due(session: Session, settings: Settings, since: datetime | None,
         now: datetime) -> list[tuple[DueSession, list[tuple[int | None, datetime]]]]:
    """Each session with pushes falling due in (since, now]: (offset in minutes, or None for the
    poll; when it is due). Before the first plan, everything due still of use."""
    sch = settings.scheduler
    by_session: dict[DueSession, list[tuple[int | None, datetime]]] = {}
    # Most ticks look only at the sessions a reminder's offset ahead; the tick that passes the evening
    # quiet hours move reminders to (and the first plan) looks as far as a reminder can be moved.
    wide = since is None or evening_between(settings, since, now)
    for minutes in sch.reminder_offsets_minutes:
        offset = timedelta(minutes=minutes)
        after = now if wide else max(now, since + offset)  # a reminder after the start is no use
        for cls in sessions_starting(session, after, now + offset + (EARLIEST_SHIFT if wide else timedelta())):
            when = reminder_due(settings, cls.starts_at, minutes)
            if when <= now and (since is None or when > since):
                by_session.setdefault(cls, []).append((minutes, when))
    delay = timedelta(minutes=sch.poll_delay_minutes)
    oldest = now - delay - timedelta(days=sch.poll_open_days)  # a poll closed by now is no use
    for cls in sessions_ending(session, oldest if since is None else max(oldest, since - delay), now - delay):
        by_session.setdefault(cls, []).append((None, poll_due_at(settings, cls)))
    return list(by_session.items())
