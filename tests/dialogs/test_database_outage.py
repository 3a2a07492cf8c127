"""The database connection dies under a worker: the resident hears 系统繁忙, nothing is half-written,
and the next message works again on a fresh connection."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, func, text
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from store.db import Database
from store.models import Enrolment
from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.databases import PostgresSchema, postgres_base_url

# Unique per run: test runs sharing the server must not cut each other's connections.
APP = f"linli_outage_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def outage_db():
    schema = PostgresSchema(postgres_base_url())
    db = Database(f"{schema.url}&application_name={APP}", pool_size=2)
    db.create_all()
    yield db
    db.dispose()
    schema.drop()


def kill_connections(base_url: str) -> int:
    """What a server restart does to a worker: every connection of it is cut."""
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :app"),
            {"app": APP}).scalar()
    admin.dispose()
    return killed


def press(dialogs: Dialogs, user: str, payload: str) -> str:
    return "\n".join(r.text for r in dialogs.handle(Incoming("telegram", user, payload=payload)))


def enrolments(db: Database) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(Enrolment)).one()


def test_cut_connections_are_replaced_and_the_next_turn_works(outage_db, settings, clock):
    add_course(outage_db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(days=2))
    dialogs = Dialogs(outage_db, settings, clock)
    press(dialogs, "1", "menu")
    assert kill_connections(postgres_base_url()) >= 1
    assert "报名成功" in press(dialogs, "1", "suy:WH-SF-01")


def test_connection_lost_in_the_middle_of_a_sign_up_leaves_nothing_half_written(outage_db, settings, clock):
    add_course(outage_db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(days=2))
    dialogs = Dialogs(outage_db, settings, clock)
    press(dialogs, "1", "menu")
    base = postgres_base_url()
    armed = {"once": True}

    @event.listens_for(outage_db.engine, "after_cursor_execute")
    def cut_after_insert(conn, cursor, statement, *args):
        if armed["once"] and statement.lstrip().upper().startswith("INSERT INTO ENROLMENT"):
            armed["once"] = False
            kill_connections(base)  # the row is written but not committed when the server goes

    assert "系统繁忙，请稍后再试" in press(dialogs, "1", "suy:WH-SF-01")
    event.remove(outage_db.engine, "after_cursor_execute", cut_after_insert)
    assert enrolments(outage_db) == 0
    assert "报名成功" in press(dialogs, "1", "suy:WH-SF-01")
    assert enrolments(outage_db) == 1
