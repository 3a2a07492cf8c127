"""An empty database on each engine, for the schema and migration tests."""
from __future__ import annotations

import pytest

from store.db import Database
from tests.support.databases import PostgresSchema, postgres_base_url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db(request, tmp_path):
    """A database with no tables at all, once on SQLite and once in a private PostgreSQL schema."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
        yield db
        db.dispose()
        return
    schema = PostgresSchema(postgres_base_url())
    db = Database(schema.url, pool_size=2)
    yield db
    db.dispose()
    schema.drop()
