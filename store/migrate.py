"""Schema migrations with Alembic, configured in code: no alembic.ini needed.

Only the commands that migrate, stamp or compare import this module; checking the version at start
goes through store.schema_version, which does not load Alembic."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from store import schema_version
from store.db import Database
from store.schema_version import (  # noqa: F401  (this module's public names since before)
    VERSION_TABLE, current_revision, has_version_table, head_revision, known_revision, model_tables_present)


def alembic_config(url: str) -> Config:
    """An Alembic Config for the database at url, with the scripts shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(schema_version.MIGRATIONS))
    # Config values go through configparser interpolation: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["url"] = url
    return config


@contextmanager
def connect(db: Database) -> Iterator[Connection]:
    """A connection fit for schema changes: locked on PostgreSQL, foreign keys off on SQLite."""
    with db.engine.connect() as conn:
        if db.is_postgres:
            # One migrator per schema at a time; others wait, then find nothing left to do.
            conn.exec_driver_sql("SELECT pg_advisory_lock(hashtext('linli-migrate:' || current_schema()))")
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.exec_driver_sql("SELECT pg_advisory_unlock(hashtext('linli-migrate:' || current_schema()))")
                conn.commit()
        elif db.engine.dialect.name == "sqlite":
            # Batch migrations copy and drop tables, which SQLite allows only with foreign keys off;
            # the pragma is ignored inside a transaction, so it goes to the driver first.
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                yield conn
            finally:
                conn.rollback()
                raw.execute("PRAGMA foreign_keys=ON")
        else:
            yield conn


def _run(db: Database, action, *args, **kwargs) -> None:
    config = alembic_config(db.url)
    with connect(db) as conn:
        config.attributes["connection"] = conn
        action(config, *args, **kwargs)


def upgrade(db: Database, revision: str = "head") -> None:
    """Run every migration up to revision (the newest by default)."""
    _run(db, command.upgrade, revision)


def downgrade(db: Database, revision: str) -> None:
    """Undo migrations down to revision ("base" undoes them all)."""
    _run(db, command.downgrade, revision)


def stamp(db: Database, revision: str = "head") -> None:
    """Record revision as the database's version without running anything."""
    _run(db, command.stamp, revision)


def differences(db: Database) -> list:
    """What autogenerate would change to make the database match the models (empty when equal)."""
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
