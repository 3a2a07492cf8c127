"""The one place the service is assembled: settings → database → dialogs → channels → outbox tick.

`linli serve`, `linli chat`, the other commands and the tests all build through these functions,
so a part the service needs cannot be wired in a test and forgotten in the service."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.clock import SystemClock
from bot.dialogs import ROUTERS
from bot.dialogs.engine import Dialogs
from bot.dialogs.pushes.catalog_changes import apply_catalog_changes
from bot.dialogs.pushes.housekeeping import run_housekeeping
from bot.dialogs.pushes.order_escalation import run_order_escalation
from bot.dialogs.pushes.rules import DialogPushRules
from bot.privacy import PhoneKeyMissing, phone_cipher
from bot.schema import SchemaNotReady, prepare_schema
from bot.settings import Settings, get_settings
from scheduler.outbox_worker import OutboxWorker
from scheduler.senders import Sender
from store.catalog import course_count
from store.catalog_import import ImportReport, import_catalog
from store.db import Database
from store.demo import load_demo

if TYPE_CHECKING:
    from aiohttp import web

    from bot.handlers.channel import ChannelParts
    from bot.handlers.inbox import Inbox

log = logging.getLogger("linli")

HOUSEKEEPING_SECONDS = 60.0


def connect_database(settings: Settings) -> Database:
    """The configured database as it is, schema unchecked: for `linli db`, which inspects or upgrades it."""
    return Database(settings.database.url, echo=settings.database.echo,
                    pool_size=settings.database.pool_size)


def open_database(settings: Settings) -> Database:
    """The configured database at the newest schema (migrated when empty); SchemaNotReady if behind."""
    db = connect_database(settings)
    try:
        prepare_schema(db)
    except SchemaNotReady:
        db.dispose()
        raise
    return db


def ensure_catalogue(db: Database, settings: Settings) -> None:
    """Load the demo catalogue into an empty database when the settings allow it."""
    if not settings.general.demo_on_empty:
        return
    with db.session() as s:
        empty = course_count(s) == 0
    if empty:
        counts = load_demo(db)
        log.info("demo catalogue loaded %s", counts)


def build_dialogs(settings: Settings | None = None, with_demo: bool = True) -> Dialogs:
    """Dialogs on the configured database, catalogue ready."""
    settings = settings or get_settings()
    db = open_database(settings)
    try:
        phone_cipher(settings, db.url)  # refuse at start, not at a resident's first order
    except PhoneKeyMissing:
        db.dispose()
        raise
    if with_demo:
        ensure_catalogue(db, settings)
    return Dialogs(db, settings, routers=ROUTERS)


def import_catalogue(db: Database, settings: Settings, path: Path, now: datetime | None = None) -> ImportReport:
    """`linli import catalog`: the file's courses, and in the same transaction what the changes owe
    residents (reminders re-planned, moved or cancelled sessions announced, free seats filled)."""
    now = now or SystemClock().now()
    return import_catalog(db, path, settings.general.timezone, now,
                          after=lambda session, report: apply_catalog_changes(session, settings, report, now))


def build_worker(db: Database, settings: Settings, senders: dict[str, Sender], clock: Any = None,
                 **options: Any) -> OutboxWorker:
    """The outbox tick with the dialogs' push rules (quiet hours, rendering, remembered choices)."""
    return OutboxWorker(db, settings, senders, DialogPushRules(settings), clock=clock, **options)


def inbox_sweep_job(service: "Service"):
    """One sweep of every channel's inbox: updates whose worker failed or died are handled here."""
    async def sweep() -> int:
        return sum([await inbox.sweep() for inbox in service.inboxes])
    return sweep


def housekeeping_job(service: "Service"):
    """One housekeeping round at the worker's now, for the scheduler's timer."""
    return lambda: run_housekeeping(service.db, service.settings, service.worker.clock.now())


def escalation_job(service: "Service"):
    """One round passing orders nobody took at their 服务点 up to the 分馆, at the worker's now."""
    return lambda: run_order_escalation(service.db, service.settings, service.worker.clock.now())


@dataclass
class Service:
    """Everything `linli serve` runs, built but not started."""

    settings: Settings
    dialogs: Dialogs
    channels: list[ChannelParts]
    worker: OutboxWorker
    web_app: web.Application

    @property
    def db(self) -> Database:
        """The database every part shares."""
        return self.dialogs.db

    @property
    def inboxes(self) -> list[Inbox]:
        """The inbox of every channel that stores its updates."""
        return [inbox for parts in self.channels for inbox in parts.inboxes]

    @property
    def senders(self) -> dict[str, Sender]:
        """Outbox target kind → sender, over every channel that is on."""
        return self.worker.senders


def build_service(settings: Settings, dialogs: Dialogs | None = None, clock: Any = None) -> Service:
    """The whole service from settings: channels from the registry, their senders in one tick."""
    # The channels' libraries (python-telegram-bot, wechatpy, aiohttp, apscheduler) load only when the
    # service is built: `linli chat` and the other commands start without them.
    from bot.handlers.registry import build_channels
    from bot.handlers.web.server import build_web_app
    from bot.health import setup_ops_routes
    if dialogs is None:
        db = open_database(settings)
        ensure_catalogue(db, settings)
        dialogs = Dialogs(db, settings, clock, routers=ROUTERS)
    phone_cipher(settings, dialogs.db.url)  # PhoneKeyMissing before anything starts
    channels = build_channels(dialogs, settings)
    senders: dict[str, Sender] = {}
    for parts in channels:
        senders.update(parts.senders)
    # One worker id for the tick and for the replies this process's turns hold.
    worker = build_worker(dialogs.db, settings, senders, clock or dialogs.clock,
                          worker_id=dialogs.worker_id)
    routes = [route for parts in channels for route in parts.routes]
    web_app = build_web_app(routes, ops=lambda app: setup_ops_routes(app, dialogs.db, worker, settings))
    return Service(settings, dialogs, channels, worker, web_app)
