"""INSERT statements that skip or replace a row whose unique key exists (ON CONFLICT), in the form
of the database at hand."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session


def insert_new_by_dialect(table: Table, key: list[str], returning: Column) -> dict[str, Insert]:
    """Per dialect name: INSERT … ON CONFLICT (key) DO NOTHING RETURNING returning (no row when skipped)."""
    return {name: dialect.insert(table).on_conflict_do_nothing(index_elements=key).returning(returning)
            for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}


def dialect_insert(session: Session | Connection) -> Callable[..., Insert]:
    """The insert() of the session's (or connection's) database, whose statements know ON CONFLICT."""
    bind = session if isinstance(session, Connection) else session.get_bind()
    return postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert


def upsert(session: Session, model: Any, values: dict[str, Any], key: list[str]) -> None:
    """Insert a row, or give the row with its key the other values (the last writer wins)."""
    statement = dialect_insert(session)(model).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=key, set_={column: value for column, value in values.items() if column not in key}))
