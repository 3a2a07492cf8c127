"""Periodic store work besides the outbox: no-shows of venue bookings, votes that closed, points
for sessions volunteer teachers held, nudges for repeated absence, seat offers past their deadline,
unused web sessions, conversation history past its retention, contact phones still stored in clear
and incoming updates long handled."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.dialogs.pushes.absence import nudge_absences
from bot.dialogs.pushes.seat_offers import run_seat_offers
from bot.dialogs.pushes.teaching_credit import credit_taught_sessions
from bot.privacy import forget_exports, phone_cipher
from bot.report.votes import close_due_votes
from bot.settings import Settings
from store.bookings import mark_no_shows
from store.db import Database
from store.phones import seal_plain_phones
from store.proxy import fill_phone_tails
from store.retention import forget_history
from store.inbox import prune_done
from store.web_sessions import prune_unused


def run_housekeeping(db: Database, settings: Settings, now: datetime) -> dict:
    """One round: mark no-shows, close due votes, credit teachers, nudge the often absent, expire seat
    offers and offer free seats, forget unused web sessions, old conversation, 我的数据 files and
    handled incoming updates, seal phones left in clear; each part is safe on several workers at once."""
    done = {"no_shows": mark_no_shows(db, now, settings.booking)}
    done["votes_closed"] = close_due_votes(db, settings, now)
    done["sessions_credited"] = credit_taught_sessions(db, settings, now)
    done["absences_nudged"] = nudge_absences(db, settings, now)
    done["seat_offers_made"] = run_seat_offers(db, settings, now)
    with db.session() as session:
        done["web_sessions_pruned"] = prune_unused(session, now)
    with db.session() as session:
        done["history_forgotten"] = forget_history(session, now - timedelta(days=settings.privacy.history_days))
    done["exports_deleted"] = forget_exports(settings, now)
    with db.session() as session:
        cipher = phone_cipher(settings, db.url)
        done["phones_sealed"] = seal_plain_phones(session, cipher)
        done["phone_tails_filled"] = fill_phone_tails(session, cipher)
        done["inbox_pruned"] = prune_done(session, now - timedelta(hours=settings.inbox.keep_hours))
    return done
