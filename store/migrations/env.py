"""Alembic's entry point: runs migrations on the connection store.migrate hands in, or on the URL."""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import store.models  # noqa: F401  (registers every table)

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):
    """Write SQLModel's AutoString as a plain sa.String, so scripts need no sqlmodel import."""
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def options(dialect_name: str) -> dict:
    """Settings shared by online and offline runs."""
    return {
        "target_metadata": target_metadata,
        "render_item": render_item,
        "compare_type": True,
        # Scripts must run on SQLite too, whichever database they were generated against.
        "render_as_batch": config.attributes.get("render_as_batch", True),
        # SQLite's DDL is transactional when the driver leaves BEGIN to us, as store.db does.
        "transactional_ddl": True if dialect_name == "sqlite" else None,
    }


def run_offline() -> None:
    """Print the SQL instead of running it."""
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    from store.db import normalise_url
    url = normalise_url(url)
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"},
                      **options(url.split(":", 1)[0].split("+", 1)[0]))
    with context.begin_transaction():
        context.run_migrations()


def run_on(connection) -> None:
    """Run the migrations on an open connection."""
    context.configure(connection=connection, **options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the given connection, or on a database opened from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    from store.db import Database
    from store.migrate import connect
    db = Database(config.attributes.get("url") or config.get_main_option("sqlalchemy.url"))
    try:
        with connect(db) as conn:
            run_on(conn)
    finally:
        db.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
