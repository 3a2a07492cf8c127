"""Wiring: settings → database → dialogs, shared by every command."""
from __future__ import annotations

import logging

from bot.dialogs.engine import Dialogs
from bot.settings import Settings, get_settings
from store.catalog import course_count
from store.db import Database

log = logging.getLogger("linli")


def open_database(settings: Settings) -> Database:
    """The configured database at the newest schema (migrated when empty); SchemaNotReady if behind."""
    from bot.schema import SchemaNotReady, prepare_schema
    db = Database(settings.database.url, echo=settings.database.echo,
                  pool_size=settings.database.pool_size)
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
        from store.demo import load_demo
        counts = load_demo(db)
        log.info("demo catalogue loaded %s", counts)


def build_dialogs(settings: Settings | None = None, with_demo: bool = True) -> Dialogs:
    """Dialogs on the configured database, catalogue ready."""
    settings = settings or get_settings()
    db = open_database(settings)
    if with_demo:
        ensure_catalogue(db, settings)
    return Dialogs(db, settings)
