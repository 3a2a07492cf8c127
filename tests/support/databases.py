"""Test databases: a fresh SQLite file, or a private schema on the test PostgreSQL server."""
from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from store.db import Database, normalise_url
from tests.support.partial_indexes import watch
from tests.support.templates import SchemaPool, remove_sqlite_templates, sqlite_file

# The phone key of test processes and of settings on PostgreSQL (a made-up key, for tests only).
TEST_PHONE_KEY = "dGVzdC1vbmx5LXBob25lLWtleS0zMi1ieXRlcyEhISE="


def postgres_base_url() -> str | None:
    """The PostgreSQL URL tests use; under CI a missing one is a failure, not a skip."""
    url = os.environ.get("LINLI_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("LINLI_TEST_DATABASE_URL is not set; PostgreSQL tests must run in CI")
        pytest.skip("LINLI_TEST_DATABASE_URL is not set")
    return normalise_url(url)


def with_schema(url: str, schema: str) -> str:
    """The URL with a search_path option, so every connection lands in the schema."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


class PostgresSchema:
    """A throwaway schema on the test server."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        self.url = with_schema(base_url, self.name)
        admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        except Exception as exc:  # noqa: BLE001
            admin.dispose()
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL test database unreachable: {exc}")
            pytest.skip(f"PostgreSQL test database unreachable: {exc}")
        self._admin = admin

    def drop(self) -> None:
        """Remove the schema and everything in it."""
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self._admin.dispose()


_pools: dict[str, SchemaPool] = {}


def schema_pool() -> SchemaPool:
    """The run's pool of emptied schemas on the test server."""
    base_url = postgres_base_url()
    if base_url not in _pools:
        _pools[base_url] = SchemaPool(base_url, PostgresSchema)
    return _pools[base_url]


def close_pools() -> None:
    """Drop the pooled schemas and the SQLite templates (end of the run)."""
    for pool in _pools.values():
        pool.close()
    _pools.clear()
    remove_sqlite_templates()


def make_database(kind: str, tmp_path) -> tuple[Database, callable]:
    """An empty database of the given kind, every table made, and a function that gives it back."""
    if kind == "sqlite":
        db = Database(sqlite_file(tmp_path / "linli.db"))
        bound = watch(db.engine)

        def close() -> None:
            db.dispose()
            assert not bound, f"a partial index's constant bound, not written (store.written): {sorted(set(bound))}"
        return db, close
    pool = schema_pool()
    schema = pool.take()
    db = Database(schema.url, pool_size=20)

    def cleanup() -> None:
        db.dispose()
        pool.give_back(schema)
    return db, cleanup
