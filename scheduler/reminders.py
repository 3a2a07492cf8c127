"""Reminders before each session a resident holds a seat in, as outbox rows."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.settings import Settings
from store.catalog import sessions_of
from store.models import Course
from store.outbox import enqueue


def reminder_key(course_id: int, resident_id: int, session_id: int, minutes: int) -> str:
    """The idempotency key of one reminder; its prefix groups a resident's course reminders."""
    return f"reminder:course:{course_id}:resident:{resident_id}:session:{session_id}:{minutes}m"


def schedule_course_reminders(session: Session, settings: Settings, course: Course,
                              resident_id: int, now: datetime) -> int:
    """Insert a reminder per offset for every future session; returns how many were added."""
    if not course.reminders_on:
        return 0
    added = 0
    for cls in sessions_of(session, course.id):
        for minutes in settings.scheduler.reminder_offsets_minutes:
            due = cls.starts_at - timedelta(minutes=minutes)
            if due <= now:
                continue
            payload = {"render": "reminder", "session_id": cls.id, "minutes": minutes}
            added += enqueue(session, idem_key=reminder_key(course.id, resident_id, cls.id, minutes),
                             kind="reminder", payload=payload, due_at=due, resident_id=resident_id)
    return added
