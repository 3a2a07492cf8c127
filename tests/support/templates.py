"""Empty test databases made once and handed out many times.

Building the 58 tables costs seconds on a loaded PostgreSQL and a fifth of a second on SQLite,
per test. SQLite files are copied from a template built once per run (one made by create_all, one
by the migrations). PostgreSQL schemas are pooled: a schema given back is emptied (every row
deleted, every sequence restarted) and handed out again, unless its structure changed (a test
that migrates, restores or alters it), in which case it is dropped. Either way a test gets what
it got before: every table there, no row in any, ids starting at 1.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from store.db import Database

_lock = threading.Lock()
_templates: dict[str, Path] = {}
_template_dir: Path | None = None


def _build(kind: str, path: Path) -> None:
    db = Database(f"sqlite:///{path}")
    try:
        if kind == "migrated":
            from bot.schema import upgrade_schema
            upgrade_schema(db)
        db.create_all()
    finally:
        db.dispose()  # the last connection closing checkpoints the WAL into the file


def sqlite_file(path: Path, kind: str = "created") -> str:
    """Put an empty SQLite database at path (kind: "created" by create_all, or "migrated"); its URL."""
    global _template_dir
    with _lock:
        if kind not in _templates:
            _template_dir = _template_dir or Path(tempfile.mkdtemp(prefix="linli-templates-"))
            template = _template_dir / f"{kind}.db"
            _build(kind, template)
            _templates[kind] = template
    shutil.copyfile(_templates[kind], path)
    return f"sqlite:///{path}"


def remove_sqlite_templates() -> None:
    """Delete the template files (end of the run)."""
    with _lock:
        if _template_dir is not None:
            shutil.rmtree(_template_dir, ignore_errors=True)
        _templates.clear()


# The structure of a schema: columns, indexes and constraints, as one digest.
_STRUCTURE = """
SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':'
         || coalesce(column_default, '') AS x
    FROM information_schema.columns WHERE table_schema = :schema
  UNION ALL SELECT 'i:' || indexdef FROM pg_indexes WHERE schemaname = :schema
  UNION ALL SELECT 'c:' || conname || ':' || pg_get_constraintdef(c.oid)
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = :schema
) parts
"""


class SchemaPool:
    """Schemas on the test server with every table created, emptied between tests."""

    def __init__(self, base_url: str, make_schema):
        self.base_url = base_url
        self.make_schema = make_schema  # base_url → a new empty schema with .name, .url, .drop()
        self._admin = create_engine(base_url, isolation_level="AUTOCOMMIT", pool_size=2)
        self._free: list = []
        self._all: list[object] = []
        self._lock = threading.Lock()

    def take(self):
        """A PostgresSchema with every table and no rows (made now when none is free)."""
        with self._lock:
            if self._free:
                return self._free.pop()
        schema = self.make_schema(self.base_url)
        db = Database(schema.url, pool_size=1)
        try:
            db.create_all()
        finally:
            db.dispose()
        with self._lock:
            self._all.append(schema)
        schema.structure = self._structure(schema.name)
        return schema

    def give_back(self, schema) -> None:
        """Empty the schema for the next test; drop it when its structure is not the one made."""
        try:
            if self._structure(schema.name) != schema.structure:
                raise ValueError("structure changed")
            self._empty(schema.name)
        except Exception:  # noqa: BLE001  (changed, locked or gone: never hand it out again)
            self._forget(schema)
            return
        with self._lock:
            self._free.append(schema)

    def close(self) -> None:
        """Drop every schema the pool made (end of the run)."""
        with self._lock:
            schemas, self._all, self._free = self._all, [], []
        for schema in schemas:
            try:
                schema.drop()
            except Exception:  # noqa: BLE001  (the server may be gone at the end of the run)
                pass
        self._admin.dispose()

    def _forget(self, schema) -> None:
        with self._lock:
            if schema in self._all:
                self._all.remove(schema)
        schema.drop()

    def _structure(self, name: str) -> str:
        with self._admin.connect() as conn:
            return conn.execute(text(_STRUCTURE), {"schema": name}).scalar_one()

    def _empty(self, name: str) -> None:
        with self._admin.connect() as conn:
            sequences = conn.execute(text("SELECT sequence_name FROM information_schema.sequences "
                                          "WHERE sequence_schema = :schema"), {"schema": name}).scalars().all()
            # DELETE, not TRUNCATE: on a handful of rows it is a hundred times cheaper.
            statements = ["SET LOCAL lock_timeout = '10s'"]
            statements += [f'DELETE FROM "{name}"."{table.name}"'
                           for table in reversed(SQLModel.metadata.sorted_tables)]
            statements += [f'ALTER SEQUENCE "{name}"."{sequence}" RESTART' for sequence in sequences]
            conn.exec_driver_sql("BEGIN; " + "; ".join(statements) + "; COMMIT")
