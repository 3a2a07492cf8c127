"""Periodic store work besides the outbox: no-shows of venue bookings, votes that closed, points
for sessions volunteer teachers held."""
from __future__ import annotations

from datetime import datetime

from bot.dialogs.pushes.teaching_credit import credit_taught_sessions
from bot.report.votes import close_due_votes
from bot.settings import Settings
from store.bookings import mark_no_shows
from store.db import Database


def run_housekeeping(db: Database, settings: Settings, now: datetime) -> dict:
    """One round: mark no-shows, close due votes and credit teachers; each part is safe on several
    workers at once."""
    done = {"no_shows": mark_no_shows(db, now, settings.booking)}
    done["votes_closed"] = close_due_votes(db, settings, now)
    done["sessions_credited"] = credit_taught_sessions(db, settings, now)
    return done
