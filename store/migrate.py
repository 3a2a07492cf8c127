"""Schema migrations with Alembic, configured in code: no alembic.ini needed."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from store.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str) -> Config:
    """An Alembic Config for the database at url, with the scripts shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
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


def current_revision(db: Database) -> str | None:
    """The revision the database is at; None when it was never migrated or stamped."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def known_revision(revision: str) -> bool:
    """True when revision is one of the shipped migrations."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return script.get_revision(revision) is not None
    except Exception:  # noqa: BLE001  (alembic raises several kinds for unknown ids)
        return False


def model_tables_present(db: Database) -> set[str]:
    """Names of the models' tables that exist in the database."""
    with db.engine.connect() as conn:
        existing = set(inspect(conn).get_table_names())
    return existing & set(SQLModel.metadata.tables)


def has_version_table(db: Database) -> bool:
    """True when the database has Alembic's version table."""
    with db.engine.connect() as conn:
        return inspect(conn).has_table(VERSION_TABLE)


def differences(db: Database) -> list:
    """What autogenerate would change to make the database match the models (empty when equal)."""
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
