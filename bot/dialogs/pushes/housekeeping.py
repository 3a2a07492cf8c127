"""Periodic store work besides the outbox: no-shows of venue bookings, votes that closed, points
for sessions volunteer teachers held, unused web sessions, incoming updates long handled."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.dialogs.pushes.teaching_credit import credit_taught_sessions
from bot.report.votes import close_due_votes
from bot.settings import Settings
from store.bookings import mark_no_shows
from store.db import Database
from store.inbox import prune_done
from store.web_sessions import prune_unused


def run_housekeeping(db: Database, settings: Settings, now: datetime) -> dict:
    """One round: mark no-shows, close due votes, credit teachers, forget unused web sessions and
    handled incoming updates; each part is safe on several workers at once."""
    done = {"no_shows": mark_no_shows(db, now, settings.booking)}
    done["votes_closed"] = close_due_votes(db, settings, now)
    done["sessions_credited"] = credit_taught_sessions(db, settings, now)
    with db.session() as session:
        done["web_sessions_pruned"] = prune_unused(session, now)
    with db.session() as session:
        done["inbox_pruned"] = prune_done(session, now - timedelta(hours=settings.inbox.keep_hours))
    return done
