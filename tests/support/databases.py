"""Test databases: a fresh SQLite file, or a private schema on the test PostgreSQL server."""
from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from store.db import Database, normalise_url

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


def make_database(kind: str, tmp_path) -> tuple[Database, callable]:
    """A migrated database of the given kind and a function that throws it away."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'linli.db'}")
        db.create_all()
        return db, db.dispose
    schema = PostgresSchema(postgres_base_url())
    db = Database(schema.url, pool_size=20)
    db.create_all()

    def cleanup() -> None:
        db.dispose()
        schema.drop()
    return db, cleanup
