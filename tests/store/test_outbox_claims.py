"""Claiming outbox rows: due rows once, future rows later, stale leases taken over, outcomes guarded."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import select

from store.models import ChannelAccount, OutboxMessage, Resident
from store.models.outbox import DEAD, FAILED, PENDING, SENDING, SENT
from store.outbox import enqueue
from store.outbox_claims import (claim_due, defer_many, mark_dead, mark_retry, mark_sent_many, outbox_rows,
                                 release)

NOW = datetime(2026, 12, 1, 2, 0)
LEASE = 120


def add_rows(db, dues: list[datetime], prefix: str = "row") -> list[int]:
    with db.session() as s:
        resident = Resident(display_name="张阿姨")
        s.add(resident)
        s.flush()
        s.add(ChannelAccount(channel="test", external_id=f"{prefix}-acct", resident_id=resident.id))
        for i, due in enumerate(dues):
            enqueue(s, idem_key=f"{prefix}:{i}", kind="notice", payload={"text": f"通知{i}"},
                    due_at=due, resident_id=resident.id)
    with db.session() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.idem_key.startswith(f"{prefix}:"))
                      .order_by(OutboxMessage.id)).all()
        return [r.id for r in rows]


def row(db, row_id: int) -> OutboxMessage:
    with db.session() as s:
        return s.get(OutboxMessage, row_id)


def sent(session, row_id, worker, now) -> bool:
    return bool(mark_sent_many(session, [row_id], worker, now))


def deferred(session, row_id, worker, due_at) -> bool:
    return bool(defer_many(session, [row_id], worker, due_at))


def finish(db, mark, row_id, worker, *args) -> bool:
    with db.session() as s:
        return mark(s, row_id, worker, *args)


def test_due_rows_are_claimed_once_and_future_rows_wait(db):
    due = add_rows(db, [NOW - timedelta(minutes=m) for m in (5, 1, 0)], "due")
    future = add_rows(db, [NOW + timedelta(seconds=1), NOW + timedelta(days=1)], "later")

    first = claim_due(db, NOW, 100, LEASE, "w1")
    assert sorted(r.id for r in first) == sorted(due)
    assert [r.id for r in first] == due  # the longest overdue first
    assert all(r.status == SENDING and r.attempts == 1 and r.claimed_by == "w1" for r in first)
    assert all(r.lease_until == NOW + timedelta(seconds=LEASE) for r in first)
    assert claim_due(db, NOW, 100, LEASE, "w2") == []

    later = claim_due(db, NOW + timedelta(seconds=1), 100, LEASE, "w2")
    assert [r.id for r in later] == future[:1]


def test_limit_takes_the_oldest_first(db):
    ids = add_rows(db, [NOW - timedelta(minutes=m) for m in range(10, 0, -1)])
    got = claim_due(db, NOW, 4, LEASE, "w1")
    assert [r.id for r in got] == ids[:4]
    assert len(claim_due(db, NOW, 100, LEASE, "w2")) == 6


def test_stale_sending_rows_are_taken_over_after_the_lease(db):
    [row_id] = add_rows(db, [NOW])
    claim_due(db, NOW, 10, LEASE, "crashed")
    assert claim_due(db, NOW + timedelta(seconds=LEASE), 10, LEASE, "w2") == []

    later = NOW + timedelta(seconds=LEASE + 1)
    [taken] = claim_due(db, later, 10, LEASE, "w2")
    assert taken.id == row_id and taken.claimed_by == "w2" and taken.attempts == 2
    # The worker whose lease ran out can no longer record anything.
    assert not finish(db, sent, row_id, "crashed", later)
    assert not finish(db, mark_dead, row_id, "crashed", "late")
    assert finish(db, sent, row_id, "w2", later)
    assert row(db, row_id).status == SENT and row(db, row_id).sent_at == later
    # A finished row stays finished.
    assert not finish(db, mark_retry, row_id, "w2", "again", later)
    assert claim_due(db, later + timedelta(days=1), 10, LEASE, "w3") == []


def test_failed_rows_come_back_at_their_retry_time(db):
    [row_id] = add_rows(db, [NOW])
    claim_due(db, NOW, 10, LEASE, "w1")
    retry_at = NOW + timedelta(seconds=30)
    assert finish(db, mark_retry, row_id, "w1", "502 Bad Gateway", retry_at)
    failed = row(db, row_id)
    assert failed.status == FAILED and failed.due_at == retry_at and failed.last_error == "502 Bad Gateway"
    assert failed.lease_until is None

    assert claim_due(db, retry_at - timedelta(seconds=1), 10, LEASE, "w1") == []
    [again] = claim_due(db, retry_at, 10, LEASE, "w2")
    assert again.attempts == 2
    assert finish(db, mark_dead, row_id, "w2", "x" * 900)
    dead = row(db, row_id)
    assert dead.status == DEAD and len(dead.last_error) == 500
    assert [r.id for r in outbox_rows_of(db, [DEAD])] == [row_id]


def outbox_rows_of(db, statuses):
    with db.session() as s:
        return outbox_rows(s, statuses)


def test_release_and_defer_give_rows_back_without_counting_an_attempt(db):
    a, b = add_rows(db, [NOW, NOW])
    claim_due(db, NOW, 10, LEASE, "w1")
    assert release(db, [a, b], "someone-else") == 0
    assert release(db, [a], "w1") == 1
    assert (row(db, a).status, row(db, a).attempts) == (PENDING, 0)

    morning = NOW + timedelta(hours=6)
    assert finish(db, deferred, b, "w1", morning)
    assert (row(db, b).status, row(db, b).attempts, row(db, b).due_at) == (PENDING, 0, morning)
    assert [r.id for r in claim_due(db, NOW, 10, LEASE, "w2")] == [a]


def test_concurrent_claims_never_share_a_row(db):
    ids = add_rows(db, [NOW - timedelta(seconds=i % 7) for i in range(300)])

    def worker(n: int) -> list[int]:
        taken: list[int] = []
        while True:
            rows = claim_due(db, NOW, 25, LEASE, f"w{n}")
            if not rows:
                return taken
            taken.extend(r.id for r in rows)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(worker, range(4)))
    everything = [i for taken in results for i in taken]
    assert sorted(everything) == sorted(ids)  # each row exactly once


def test_the_claim_query_uses_the_status_due_index(db):
    add_rows(db, [NOW])
    with db.session() as s:
        if db.is_postgres:
            s.execute(text("SET LOCAL enable_seqscan = off"))
            plan = s.execute(text(
                "EXPLAIN SELECT id FROM outbox WHERE status IN ('pending', 'failed') "
                "AND due_at <= :now ORDER BY due_at, id LIMIT 100 FOR UPDATE SKIP LOCKED"),
                {"now": NOW}).scalars().all()
        else:
            plan = [r[-1] for r in s.execute(text(
                "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE status IN ('pending', 'failed') "
                "AND due_at <= :now ORDER BY due_at, id LIMIT 100"), {"now": NOW})]
    assert any("ix_outbox_due" in line for line in plan), plan
