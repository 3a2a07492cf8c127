"""`linli serve`: the web server, the configured channels and the outbox tick in one process."""
from __future__ import annotations

import asyncio
import logging
import signal

from bot.app import HOUSEKEEPING_SECONDS, Service, build_service, housekeeping_job
from bot.handlers.web.server import start_web
from bot.settings import Settings
from scheduler.runner import add_periodic, start_scheduler, stop

log = logging.getLogger("linli.serve")


async def run(settings: Settings, stop_event: asyncio.Event | None = None,
              service: Service | None = None) -> None:
    """Start everything, wait for a stop signal, then shut down gracefully."""
    service = service or build_service(settings)
    log.info("channels on: %s; outbox targets: %s", [c.name for c in service.channels],
             sorted(service.senders))
    running = await start_web(service.web_app, settings.web.host, settings.web.port)
    log.info("web chat at %s", running.url)
    for parts in service.channels:
        await parts.start()
    scheduler = start_scheduler(service.worker, settings)
    add_periodic(scheduler, "housekeeping", housekeeping_job(service), HOUSEKEEPING_SECONDS)
    stop_event = stop_event or _stop_on_signals()
    await stop_event.wait()
    log.info("stopping")
    for parts in service.channels:
        await parts.stop_intake()
    await running.stop()  # stops taking web requests, finishes WeCom jobs in hand
    for parts in service.channels:
        await parts.stop()
    released = await stop(scheduler, service.worker)
    for parts in service.channels:
        await parts.close()
    log.info("stopped; released %d claimed pushes", released)
    service.db.dispose()


def _stop_on_signals() -> asyncio.Event:
    event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, event.set)
    return event


def serve(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM."""
    asyncio.run(run(settings))
    return 0
