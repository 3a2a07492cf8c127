"""Outbox rows written by one statement whose text never changes, however many rows there are.

The rows travel as arrays (PostgreSQL's unnest) or as one JSON array (SQLite's json_each), so the
statement is parsed and planned once per connection instead of once per row count: a multi-row
VALUES list is new text for every length, which neither SQLAlchemy's statement cache nor psycopg's
query cache keeps. Keys that exist are skipped; the new rows' ids come back by key.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

COLUMNS = ("idem_key", "kind", "resident_id", "account_id", "payload", "due_at", "urgent", "status",
           "attempts", "last_error", "lease_until", "claimed_by", "created_at")
_PG_TYPES = ("varchar", "varchar", "integer", "integer", "varchar", "timestamp", "boolean", "varchar",
             "integer", "varchar", "timestamp", "varchar", "timestamp")
_TIMES = {"due_at", "lease_until", "created_at"}
_TAIL = "ON CONFLICT (idem_key) DO NOTHING RETURNING id, idem_key"

PG_INSERT = (f"INSERT INTO outbox ({', '.join(COLUMNS)}) SELECT * FROM unnest("
             + ", ".join(f"%({c})s::{t}[]" for c, t in zip(COLUMNS, _PG_TYPES)) + f") {_TAIL}")
# WHERE true: SQLite would read ON CONFLICT as part of the SELECT's join without it.
SQLITE_INSERT = (f"INSERT INTO outbox ({', '.join(COLUMNS)}) SELECT "
                 + ", ".join(f"value ->> {i}" for i in range(len(COLUMNS)))
                 + f" FROM json_each(?) WHERE true {_TAIL}")


def sqlite_time(value: datetime | None) -> str | None:
    """A naive datetime as SQLAlchemy stores it in SQLite, so reads and comparisons see no difference."""
    if value is None:
        return None
    return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}")


def insert_rows(connection: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert outbox rows (missing columns are NULL) in one statement; the new rows' ids by key."""
    if not rows:
        return {}
    if connection.dialect.name == "postgresql":
        params = {column: [row.get(column) for row in rows] for column in COLUMNS}
        result = connection.exec_driver_sql(PG_INSERT, params)
    else:
        values = [[sqlite_time(row.get(c)) if c in _TIMES else row.get(c) for c in COLUMNS] for row in rows]
        result = connection.exec_driver_sql(SQLITE_INSERT, (json.dumps(values, ensure_ascii=False),))
    return {key: row_id for row_id, key in result}
