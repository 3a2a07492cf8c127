"""Running the push planner as the tick does, at each moment a reminder or poll falls due, without
delivering anything: what the outbox holds at a time, and when each row was written."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from bot.dialogs.pushes.plan import poll_due_at, reminder_due
from bot.dialogs.pushes.planner import plan_due_pushes
from bot.settings import Settings
from store.db import Database
from store.models import ClassSession


def due_moments(db: Database, settings: Settings) -> list[datetime]:
    """Every moment a reminder or poll of any session falls due (the quiet-hours time and the plain
    time before the start, and the poll's), in order."""
    offsets = settings.scheduler.reminder_offsets_minutes
    with db.session() as s:
        sessions = s.exec(select(ClassSession)).all()
    moments = set()
    for cls in sessions:
        for minutes in offsets:
            moments.add(reminder_due(settings, cls.starts_at, minutes))
            moments.add(cls.starts_at - timedelta(minutes=minutes))
        moments.add(poll_due_at(settings, cls))
    return sorted(moments)


def plan_until(db: Database, settings: Settings, until: datetime, since: datetime | None = None) -> int:
    """Plan at every due moment in (since, until], then at until; the rows written."""
    written = 0
    for moment in due_moments(db, settings):
        if (since is None or moment > since) and moment < until:
            written += plan_due_pushes(db, settings, moment)
    return written + plan_due_pushes(db, settings, until)
