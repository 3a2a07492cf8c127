"""The inbox table: an update stored once, held by its worker until the lease ends, then taken
over by exactly one sweeping worker; handled rows pruned."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import select

from store.inbox import keep_update, mark_done, prune_done, take_over
from store.models import InboundUpdate
from store.models.inbox import DONE, PENDING
from tests.conftest import START


def keep(db, key: str, lease_seconds: float, worker: str = "w1", received=START) -> bool:
    with db.session() as s:
        return keep_update(s, "telegram", key, {"update_id": int(key)}, received, worker,
                           received + timedelta(seconds=lease_seconds))


def test_an_update_is_stored_once(db):
    assert keep(db, "1", 30) is True
    assert keep(db, "1", 30, worker="w2") is False  # delivered again: the first row stays
    with db.session() as s:
        [row] = s.exec(select(InboundUpdate)).all()
    assert row.claimed_by == "w1" and row.attempts == 0 and row.payload == '{"update_id": 1}'


def test_only_updates_whose_lease_ran_out_are_taken_over(db):
    keep(db, "1", 30)
    keep(db, "2", 5)
    first = take_over(db, "telegram", START + timedelta(seconds=10), 30, "w2", 10)
    assert [r.update_key for r in first] == ["2"]  # "1" is still held by its worker
    # Later "1"'s lease has run out too; "2" is now held by w2, for 30 seconds from its takeover.
    second = take_over(db, "telegram", START + timedelta(seconds=31), 30, "w3", 10)
    assert [r.update_key for r in second] == ["1"]
    with db.session() as s:
        rows = {r.update_key: r for r in s.exec(select(InboundUpdate))}
    assert (rows["2"].claimed_by, rows["2"].attempts) == ("w2", 1)
    assert (rows["1"].claimed_by, rows["1"].attempts) == ("w3", 1)
    assert take_over(db, "wecom", START + timedelta(days=1), 30, "w4", 10) == []  # another channel's


def test_done_updates_are_not_taken_over_and_are_pruned_later(db):
    keep(db, "1", 5)
    keep(db, "2", 5)
    with db.session() as s:
        assert mark_done(s, "telegram", ["1"], START + timedelta(seconds=1)) == 1
        assert mark_done(s, "telegram", ["1"], START + timedelta(seconds=2)) == 0  # already done
        assert [r.update_key for r in s.exec(select(InboundUpdate).where(InboundUpdate.status == PENDING))] == ["2"]
    assert [r.update_key for r in take_over(db, "telegram", START + timedelta(minutes=1), 30, "w2", 10)] == ["2"]
    with db.session() as s:
        assert prune_done(s, START) == 0  # handled after the cut-off: kept
        assert prune_done(s, START + timedelta(hours=1)) == 1
        assert [r.update_key for r in s.exec(select(InboundUpdate))] == ["2"]
        assert s.get(InboundUpdate, ("telegram", "2")).status != DONE


def test_two_sweeping_workers_never_take_the_same_update(pg_db):
    for n in range(200):
        keep(pg_db, str(n), 1)
    taken: dict[str, list[str]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def sweep(worker: str) -> None:
        start.wait()
        while rows := take_over(pg_db, "telegram", START + timedelta(seconds=5), 30, worker, 7):
            taken[worker] += [r.update_key for r in rows]

    threads = [threading.Thread(target=sweep, args=(w,)) for w in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken["a"] + taken["b"], key=int) == [str(n) for n in range(200)]  # each once
