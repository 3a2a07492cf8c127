"""The shipped migration revisions and the database's current one, read without loading Alembic.

Checking the schema at start needs only three facts: the newest shipped revision, whether an id is
one of ours, and the id in the database's version table. Alembic answers them too, but importing
it costs a worker about 8 MB that stay for its life; store.migrate, which runs migrations, still uses it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from store.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"

# `revision = "0002_x"` or `down_revision: Union[str, None] = ("a", "b")`, as Alembic's templates write them.
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*(?:#.*)?$", re.MULTILINE)


class RevisionError(Exception):
    """The shipped scripts or the version table are not as a single line of migrations leaves them."""


def _ids(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def shipped_revisions(migrations: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Every shipped revision id → the ids it revises (none for the first)."""
    versions = (migrations or MIGRATIONS) / "versions"
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(versions.glob("*.py")):
        values = {name: ast.literal_eval(value)
                  for name, value in _ASSIGNMENT.findall(path.read_text(encoding="utf-8"))}
        if "revision" not in values:
            continue  # not a migration script (the package's __init__.py)
        found[values["revision"]] = _ids(values.get("down_revision"))
    return found


def head_revision(migrations: Path | None = None) -> str:
    """The newest shipped revision: the one no other revises."""
    revisions = shipped_revisions(migrations)
    revised = {parent for parents in revisions.values() for parent in parents}
    heads = sorted(set(revisions) - revised)
    if len(heads) != 1:
        raise RevisionError(f"the migration scripts have {len(heads)} heads: {', '.join(heads) or 'none'}")
    return heads[0]


def known_revision(revision: str, migrations: Path | None = None) -> bool:
    """True when revision is one of the shipped migrations."""
    return revision in shipped_revisions(migrations)


def current_revision(db: Database) -> str | None:
    """The revision the database is at; None when it was never migrated or stamped."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise RevisionError(f"the version table holds more than one revision: {', '.join(sorted(rows))}")
    return rows[0] if rows else None


def has_version_table(db: Database) -> bool:
    """True when the database has Alembic's version table."""
    with db.engine.connect() as conn:
        return inspect(conn).has_table(VERSION_TABLE)


def model_tables_present(db: Database) -> set[str]:
    """Names of the models' tables that exist in the database."""
    with db.engine.connect() as conn:
        existing = set(inspect(conn).get_table_names())
    return existing & set(SQLModel.metadata.tables)
