"""The suite's empty databases: a pooled PostgreSQL schema comes back empty with ids from 1, one
whose structure a test changed is dropped, and a SQLite copy of the template has every table."""
from __future__ import annotations

from sqlalchemy import inspect, text
from sqlmodel import SQLModel, select

from store.db import Database
from store.models import Resident
from tests.support.databases import PostgresSchema, postgres_base_url
from tests.support.templates import SchemaPool, sqlite_file


def resident_ids(db: Database) -> list[int]:
    with db.session() as s:
        s.add(Resident(display_name="王阿姨"))
    with db.session() as s:
        return list(s.exec(select(Resident.id).order_by(Resident.id)))


def test_a_schema_given_back_comes_back_empty_and_a_changed_one_is_dropped():
    pool = SchemaPool(postgres_base_url(), PostgresSchema)
    try:
        schema = pool.take()
        db = Database(schema.url)
        assert resident_ids(db) == [1]
        db.dispose()
        pool.give_back(schema)

        again = pool.take()
        assert again is schema
        db = Database(again.url)
        assert resident_ids(db) == [1]  # the row gone, the sequence restarted
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE resident ADD COLUMN nickname text"))
        db.dispose()
        pool.give_back(again)

        fresh = pool.take()
        assert fresh is not schema
        db = Database(fresh.url)
        assert "nickname" not in {c["name"] for c in inspect(db.engine).get_columns("resident")}
        db.dispose()
        pool.give_back(fresh)
    finally:
        pool.close()
    server = Database(postgres_base_url())
    with server.engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM information_schema.schemata WHERE schema_name IN "
                                 "(:a, :b)"), {"a": schema.name, "b": fresh.name}).scalar_one()
    server.dispose()
    assert left == 0  # closing the pool drops what it made


def test_a_sqlite_copy_has_every_table(tmp_path):
    db = Database(sqlite_file(tmp_path / "a.db"))
    assert set(inspect(db.engine).get_table_names()) == set(SQLModel.metadata.tables)
    assert resident_ids(db) == [1]
    db.dispose()
    other = Database(sqlite_file(tmp_path / "b.db"))
    assert resident_ids(other) == [1]  # copies share nothing
    other.dispose()
