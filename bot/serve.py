"""`linli serve`: the web server, the configured channels and the outbox tick in one process."""
from __future__ import annotations

import asyncio
import logging
import signal

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import (
    HOUSEKEEPING_SECONDS,
    Service,
    build_service,
    connect_database,
    escalation_job,
    housekeeping_job,
    inbox_sweep_job,
)
from bot.handlers.web.server import RunningWeb, start_web
from bot.privacy import PhoneKeyMissing
from bot.schema import SchemaNotReady, prepare_schema_apart
from bot.settings import Settings
from scheduler.runner import add_periodic, start_scheduler, stop

log = logging.getLogger("linli.serve")


async def run(settings: Settings, stop_event: asyncio.Event | None = None,
              service: Service | None = None) -> None:
    """Start everything, wait for a stop signal, then shut down gracefully.

    The signals are caught first: a stop asked for while starting waits until everything is
    up, then shuts it all down in order, instead of killing the process mid-start."""
    stop_event = stop_event or _stop_on_signals()
    service = service or build_service(settings)
    log.info("channels on: %s; outbox targets: %s", [c.name for c in service.channels],
             sorted(service.senders))
    running = await start_web(service.web_app, settings.web.host, settings.web.port)
    log.info("web chat at %s", running.url)
    scheduler = None
    try:
        for parts in service.channels:
            await parts.start()
        scheduler = start_scheduler(service.worker, settings)
        add_periodic(scheduler, "housekeeping", housekeeping_job(service), HOUSEKEEPING_SECONDS)
        add_periodic(scheduler, "inbox", inbox_sweep_job(service), settings.inbox.sweep_seconds)
        add_periodic(scheduler, "order_escalation", escalation_job(service), settings.units.escalate_check_seconds)
        await stop_event.wait()
        log.info("stopping")
    finally:  # also when a channel failed to start: what did start stops in order
        await _shut_down(service, running, scheduler)


async def _shut_down(service: Service, running: RunningWeb, scheduler: AsyncIOScheduler | None) -> None:
    for parts in service.channels:
        await parts.stop_intake()
    await running.stop()  # stops taking web requests, finishes WeCom jobs in hand
    for parts in service.channels:
        await parts.stop()
    released = await stop(scheduler, service.worker) if scheduler is not None else 0
    for parts in service.channels:
        await parts.close()
    log.info("stopped; released %d claimed pushes", released)
    service.db.dispose()


def _stop_on_signals() -> asyncio.Event:
    event = asyncio.Event()
    loop = asyncio.get_running_loop()

    def requested(sig: signal.Signals) -> None:
        log.info("%s received", sig.name)
        event.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, requested, sig)
    return event


def prepare_database(settings: Settings) -> None:
    """Bring the database of a first start to the newest schema in a child process, so the worker,
    which then opens it at the newest schema, never loads Alembic; SchemaNotReady if it is behind."""
    db = connect_database(settings)
    try:
        prepare_schema_apart(db)
    finally:
        db.dispose()


def serve(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM; 1 when it could not start or failed."""
    try:
        prepare_database(settings)
        asyncio.run(run(settings))
    except (SchemaNotReady, PhoneKeyMissing):
        raise
    except Exception:  # noqa: BLE001  (logged through the redacting filter: a traceback could hold a token)
        log.exception("linli serve stopped by an error")
        return 1
    return 0
