"""/healthz and /metrics: is the database answering, is the outbox tick alive, what has happened."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from aiohttp import web
from sqlalchemy import text

from bot.clock import SystemClock
from bot.observability.metrics import CONTENT_TYPE, OutboxCollector, render
from bot.settings import Settings
from scheduler.outbox_worker import OutboxWorker
from scheduler.runner import seconds_since_last_tick
from store.db import Database

log = logging.getLogger("linli.health")

OK = "ok"
DATABASE_TIMEOUT_SECONDS = 3.0
STALE_TICKS = 3               # missed ticks before the scheduler counts as stuck
STARTUP_GRACE_SECONDS = 30.0  # before the first tick has finished
NO_STORE = {"Cache-Control": "no-store"}


def ping(db: Database) -> None:
    """Run SELECT 1; raises when the database does not answer."""
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


async def database_state(db: Database, timeout: float = DATABASE_TIMEOUT_SECONDS) -> str:
    """'ok', or what went wrong (the error's class only: messages can hold the URL)."""
    try:
        await asyncio.wait_for(asyncio.to_thread(ping, db), timeout)
    except asyncio.TimeoutError:
        return "timeout"
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return OK


def scheduler_state(worker: OutboxWorker | None, settings: Settings, started: datetime,
                    startup_grace: float = STARTUP_GRACE_SECONDS) -> tuple[str, float | None]:
    """The scheduler's state ('ok', 'off', 'stopping', 'stale', 'no tick yet') and tick age."""
    if worker is None:
        return "off", None
    if worker.stopping:
        return "stopping", seconds_since_last_tick(worker)
    sch = settings.scheduler
    allowed = STALE_TICKS * sch.tick_seconds
    if worker.ticking:  # a full batch through paced channels may take up to a lease
        allowed += sch.lease_seconds
    age = seconds_since_last_tick(worker)
    if age is None:
        waited = (worker.clock.now() - started).total_seconds()
        return (OK if waited <= allowed + startup_grace else "no tick yet"), None
    return (OK if age <= allowed else "stale"), round(age, 3)


class OpsRoutes:
    """The handlers of /healthz and /metrics for one process."""

    def __init__(self, db: Database, worker: OutboxWorker | None, settings: Settings,
                 startup_grace: float = STARTUP_GRACE_SECONDS):
        self.db = db
        self.worker = worker
        self.settings = settings
        self.startup_grace = startup_grace
        clock = worker.clock if worker is not None else SystemClock()
        self.started = clock.now()
        self.collectors = [OutboxCollector(db, clock)]

    async def health(self, request: web.Request) -> web.Response:
        """200 when the database answers and the tick is recent, else 503 naming the failing part."""
        database = await database_state(self.db)
        scheduler, age = scheduler_state(self.worker, self.settings, self.started, self.startup_grace)
        healthy = database == OK and scheduler in (OK, "off")
        if not healthy:
            log.warning("health check failed", extra={"database": database, "scheduler": scheduler,
                                                      "last_tick_seconds": age})
        body = {"database": database, "scheduler": scheduler, "last_tick_seconds": age}
        return web.json_response(body, status=200 if healthy else 503, headers=NO_STORE)

    async def metrics(self, request: web.Request) -> web.Response:
        """This process's metrics in the Prometheus text format."""
        body = await asyncio.to_thread(render, self.collectors)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE, **NO_STORE})


def setup_ops_routes(app: web.Application, db: Database, worker: OutboxWorker | None,
                     settings: Settings, startup_grace: float = STARTUP_GRACE_SECONDS) -> OpsRoutes:
    """Add /healthz and /metrics to the app (worker None: a process without the outbox tick)."""
    routes = OpsRoutes(db, worker, settings, startup_grace)
    app.router.add_get("/healthz", routes.health)
    app.router.add_get("/metrics", routes.metrics)
    return routes
