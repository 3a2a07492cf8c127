"""Periodic store work besides the outbox: no-shows of venue bookings, votes that closed."""
from __future__ import annotations

import asyncio
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.settings import Settings
from store.db import Database

log = logging.getLogger("linli.housekeeping")

JOB_ID = "housekeeping"


def run_housekeeping(db: Database, settings: Settings, now) -> dict:
    """One round: mark no-shows and close due votes; each part is safe on several workers at once."""
    from store.bookings import mark_no_shows
    done = {"no_shows": mark_no_shows(db, now, settings.booking)}
    from bot.report.votes import close_due_votes
    done["votes_closed"] = close_due_votes(db, settings, now)
    return done


async def housekeeping_tick(db: Database, settings: Settings, clock) -> None:
    """Run one round off the event loop; failures are logged and the timer goes on."""
    try:
        await asyncio.to_thread(run_housekeeping, db, settings, clock.now())
    except Exception:  # noqa: BLE001
        log.exception("housekeeping failed")


def add_housekeeping(scheduler: AsyncIOScheduler, db: Database, settings: Settings, clock,
                     seconds: float = 60.0) -> None:
    """Run housekeeping on the scheduler every `seconds`."""
    scheduler.add_job(housekeeping_tick, "interval", args=(db, settings, clock), id=JOB_ID,
                      seconds=seconds, max_instances=1, coalesce=True)
