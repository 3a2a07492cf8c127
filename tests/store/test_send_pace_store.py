"""Shared send buckets on SQLite and PostgreSQL: slots booked once, bursts, pauses, racing threads."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from store.send_pace import (Bucket, create_missing, forget_idle, pause, reserve,
                             reserve_in_one_statement)

T0 = 1_800_000_000.0  # a fixed "now", seconds since the epoch
OVERALL = Bucket("all", interval=0.5, burst=2, ahead=100.0)


def book(db, *buckets: Bucket, at: float = T0):
    with db.session() as s:
        return reserve(s, list(buckets), now=at)


def test_a_burst_goes_at_once_then_slots_follow_one_interval_apart(db):
    assert [book(db, OVERALL).wait for _ in range(4)] == [0, 0, 0.5, 1.0]


def test_slots_left_unused_are_not_saved_up(db):
    book(db, OVERALL)
    assert [book(db, OVERALL, at=T0 + 60).wait for _ in range(3)] == [0, 0, 0.5]


def test_a_busy_chat_is_not_booked_when_it_may_not_be_booked_ahead(db):
    chat = Bucket("chat:1", interval=10.0, ahead=0.0)
    assert book(db, chat, OVERALL).booked
    second = book(db, chat, OVERALL)
    assert not second.booked and second.blocker == "chat:1" and second.wait == 10.0
    # Nothing was booked: the overall bucket still has its burst slot free for another chat.
    assert book(db, Bucket("chat:2", interval=10.0), OVERALL).wait == 0
    assert book(db, chat, OVERALL, at=T0 + 10).booked


def test_a_pause_holds_back_every_later_reservation(db):
    with db.session() as s:
        pause(s, OVERALL, 30.0, now=T0)
    held = book(db, Bucket("all", interval=0.5, burst=2, ahead=1.0))
    assert not held.booked and held.blocker == "all" and held.wait == 30.0
    assert book(db, OVERALL).wait == 30.0
    assert book(db, OVERALL, at=T0 + 31).wait == 0


def test_racing_reservations_get_distinct_slots(db):
    bucket = Bucket("race", interval=1.0, ahead=1000.0)

    def one(_):
        with db.session() as s:
            return reserve(s, [bucket], now=T0).wait

    with ThreadPoolExecutor(8) as pool:
        waits = sorted(pool.map(one, range(80)))
    assert waits == [float(n) for n in range(80)]


def test_reservations_use_the_database_clock_by_default(db):
    first = book(db, Bucket("live", interval=3600.0), at=None)
    second = book(db, Bucket("live", interval=3600.0, ahead=7200.0), at=None)
    assert first.wait == 0 and 3590 < second.wait <= 3600


def test_idle_buckets_are_forgotten(db):
    book(db, Bucket("chat:old", interval=1.0))
    with db.session() as s:
        assert forget_idle(s, idle_seconds=3600, now=T0 + 60) == 0
        assert forget_idle(s, idle_seconds=3600, now=T0 + 7200) == 1


def book_at_once(db, *buckets: Bucket, at: float = T0):
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return reserve_in_one_statement(conn, list(buckets), now=at)


def test_one_statement_books_like_the_transaction(pg_db):
    chat = Bucket("chat:1", interval=10.0, ahead=0.0)
    assert book_at_once(pg_db, chat, OVERALL) is None  # no rows yet: the caller creates them
    with pg_db.engine.begin() as conn:
        create_missing(conn, ["chat:1", "all"])
    assert [book_at_once(pg_db, Bucket(f"chat:{n}", 10.0), OVERALL) for n in (1, 1)][0].wait == 0
    with pg_db.engine.begin() as conn:
        create_missing(conn, ["chat:2", "chat:3"])
    assert book_at_once(pg_db, Bucket("chat:2", 10.0), OVERALL).wait == 0  # the burst's second
    third = book_at_once(pg_db, Bucket("chat:3", 10.0), OVERALL)
    assert third.booked and third.wait == 0.5 and third.blocker == "all"
    busy = book_at_once(pg_db, chat, OVERALL)
    assert not busy.booked and busy.blocker == "chat:1" and busy.wait == 10.0
    assert book_at_once(pg_db, Bucket("chat:3", 10.0, ahead=100.0), OVERALL).wait == 10.5


def test_one_statement_racing_reservations_get_distinct_slots(pg_db):
    bucket = Bucket("race", interval=1.0, ahead=1000.0)
    with pg_db.engine.begin() as conn:
        create_missing(conn, ["race"])

    def one(_):
        return book_at_once(pg_db, bucket).wait

    with ThreadPoolExecutor(8) as pool:
        waits = sorted(pool.map(one, range(80)))
    assert waits == [float(n) for n in range(80)]
