"""Running the outbox tick on a timer with APScheduler 3, and stopping it cleanly."""
from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.settings import Settings
from scheduler.outbox_worker import OutboxWorker

log = logging.getLogger("linli.scheduler")

JOB_ID = "outbox-tick"


MAX_TICKS_IN_A_ROW = 1000


async def run_tick(worker: OutboxWorker) -> None:
    """Tick, and tick again at once while ticks come back full (a backlog); failures are logged."""
    batch = worker.settings.scheduler.batch_size
    for _ in range(MAX_TICKS_IN_A_ROW):
        try:
            result = await worker.tick()
        except Exception:  # noqa: BLE001  (the timer keeps going; last_tick_at stays put)
            log.exception("outbox tick failed")
            return
        if result.claimed:
            log.info("outbox tick %s", result)
        if result.claimed < batch or worker.stopping:
            return


def start_scheduler(worker: OutboxWorker, settings: Settings) -> AsyncIOScheduler:
    """Tick every scheduler.tick_seconds on the running event loop, first tick at once."""
    scheduler = AsyncIOScheduler(timezone=timezone.utc)
    # One tick at a time per process; ticks missed while one ran long collapse into one.
    scheduler.add_job(run_tick, "interval", args=(worker,), id=JOB_ID,
                      seconds=settings.scheduler.tick_seconds, max_instances=1, coalesce=True,
                      misfire_grace_time=None, next_run_time=datetime.now(timezone.utc))
    scheduler.start()
    return scheduler


async def run_periodic(name: str, job: Callable[[], Any]) -> None:
    """Run one round of a periodic job (off the event loop unless it is a coroutine function);
    failures are logged, the timer goes on."""
    try:
        if inspect.iscoroutinefunction(job):
            await job()
        else:
            await asyncio.to_thread(job)
    except Exception:  # noqa: BLE001
        log.exception("%s failed", name)


def add_periodic(scheduler: AsyncIOScheduler, name: str, job: Callable[[], Any],
                 seconds: float) -> None:
    """Run job() every `seconds` on the scheduler, one round at a time."""
    scheduler.add_job(run_periodic, "interval", args=(name, job), id=name, seconds=seconds,
                      max_instances=1, coalesce=True)


def seconds_since_last_tick(worker: OutboxWorker, now: datetime | None = None) -> float | None:
    """Age of the last successful tick (naive UTC, by the worker's clock); None before the first."""
    if worker.last_tick_at is None:
        return None
    return ((now or worker.clock.now()) - worker.last_tick_at).total_seconds()


async def stop(scheduler: AsyncIOScheduler, worker: OutboxWorker, timeout: float = 30.0) -> int:
    """Stop the timer, hand back claimed rows not yet sent, wait for sends under way; rows released."""
    # Pause first: shutting APScheduler down cancels a running tick, which could cut a send in half.
    if scheduler.running:
        scheduler.pause()
    released = await worker.release_claimed(timeout)
    if scheduler.running:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler applies the shutdown on the next loop turn
    return released
