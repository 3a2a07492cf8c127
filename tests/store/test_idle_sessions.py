"""A transaction's session and connection wait for the next one: the same driver connection serves
turn after turn, a failed turn's connection goes back to the pool, a connection the server dropped is
replaced before a turn runs on it, and no more wait than the pool would keep."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlmodel import select

from store.db import Database
from store.models import Resident
from store.prepared import connection_of


def driver_connection(db: Database):
    """The driver connection the next transaction runs on."""
    with db.session() as session:
        return connection_of(session).connection.dbapi_connection


def test_the_next_transaction_runs_on_the_same_session_and_connection(db):
    with db.session() as first:
        connection_of(first)
    with db.session() as second:
        connection_of(second)
    assert second is first
    assert driver_connection(db) is driver_connection(db)
    assert db.engine.pool.checkedout() == 1  # held by the waiting session, not checked in and out


def test_a_kept_session_starts_empty(db):
    with db.session() as session:
        session.add(Resident(display_name="王阿姨"))
        session.info["left_behind"] = True
    with db.session() as again:
        assert again is session
        assert list(again) == [] and "left_behind" not in again.info
        assert again.exec(select(Resident)).one().display_name == "王阿姨"


def test_a_failed_transaction_rolls_back_and_its_connection_goes_back_to_the_pool(db):
    with pytest.raises(RuntimeError):
        with db.session() as failed:
            failed.add(Resident(display_name="李叔"))
            failed.flush()
            raise RuntimeError("the turn failed")
    assert db.engine.pool.checkedout() == 0
    with db.session() as session:
        assert session is not failed
        assert session.exec(select(Resident)).all() == []


def test_a_connection_the_server_dropped_while_waiting_is_replaced_before_the_turn(pg_db):
    with pg_db.session() as session:
        pid = session.exec(text("SELECT pg_backend_pid()")).scalar_one()
    other = Database(pg_db.url, pool_size=1)
    try:
        with other.session() as session:
            session.exec(text("SELECT pg_terminate_backend(:pid)").bindparams(pid=pid))
    finally:
        other.dispose()
    with pg_db.session() as session:  # no error: the dropped connection never reaches the turn
        assert session.exec(text("SELECT pg_backend_pid()")).scalar_one() != pid


def test_no_more_wait_than_the_pool_keeps(pg_db):
    busy, ready, done = 8, threading.Barrier(8), threading.Event()
    db = Database(pg_db.url, pool_size=3)  # keeps 3, lends up to 9

    def turn():
        with db.session() as session:
            session.exec(text("SELECT 1"))
            ready.wait(timeout=10)
            done.wait(timeout=10)

    threads = [threading.Thread(target=turn) for _ in range(busy)]
    try:
        for thread in threads:
            thread.start()
        all_busy = _wait_for(lambda: db.engine.pool.checkedout() == busy)
        done.set()
        for thread in threads:
            thread.join()
        assert all_busy
        assert db.engine.pool.checkedout() == 3
    finally:
        db.dispose()


def test_dispose_returns_the_waiting_connections(db):
    driver_connection(db)
    db.dispose()
    assert db.engine.pool.checkedout() == 0
    with db.session() as session:  # and the database still works
        assert session.exec(text("SELECT 1")).scalar_one() == 1


def test_a_session_lent_before_dispose_is_not_kept_after_it(db):
    with db.session() as lent:
        connection_of(lent)
        db.dispose()  # a restore replacing the SQLite file does this while turns may be running
    with db.session() as next_one:
        assert next_one is not lent


def _wait_for(condition, timeout: float = 10.0) -> bool:
    event = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        event.wait(0.01)
    return condition()
