"""The timer around the outbox tick: one tick at a time, started at once, stopped cleanly."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.messages import Reply
from bot.app import build_worker
from scheduler.runner import JOB_ID, run_tick, seconds_since_last_tick, start_scheduler, stop
from store.models import ChannelAccount, Resident
from store.outbox import enqueue
from tests.conftest import START


class SignallingSender:
    channel = "test"

    def __init__(self):
        self.sent = asyncio.Event()

    async def send(self, external_id: str, reply: Reply) -> None:
        self.sent.set()


async def test_scheduler_ticks_at_once_and_stops(sqlite_db, settings, clock):
    with sqlite_db.session() as s:
        resident = Resident(display_name="赵叔")
        s.add(resident)
        s.flush()
        s.add(ChannelAccount(channel="test", external_id="1", resident_id=resident.id))
        enqueue(s, idem_key="hello", kind="notice", payload={"text": "你好"}, due_at=START,
                resident_id=resident.id)
    sender = SignallingSender()
    worker = build_worker(sqlite_db, settings, {"test": sender}, clock)
    assert seconds_since_last_tick(worker) is None

    scheduler = start_scheduler(worker, settings)
    job = scheduler.get_job(JOB_ID)
    assert job.max_instances == 1 and job.coalesce
    assert job.trigger.interval == timedelta(seconds=settings.scheduler.tick_seconds)
    await asyncio.wait_for(sender.sent.wait(), 10)
    assert await stop(scheduler, worker) == 0
    assert not scheduler.running
    assert seconds_since_last_tick(worker) is not None


async def test_a_failing_tick_is_logged_and_not_recorded(sqlite_db, settings, clock, caplog):
    worker = build_worker(sqlite_db, settings, {}, clock)

    async def broken():
        raise RuntimeError("database gone")
    worker.tick = broken
    await run_tick(worker)
    assert worker.last_tick_at is None
    assert "outbox tick failed" in caplog.text


async def test_a_backlog_is_worked_off_in_one_run(sqlite_db, settings, clock):
    settings = settings.model_copy(update={
        "scheduler": settings.scheduler.model_copy(update={"batch_size": 2})})
    with sqlite_db.session() as s:
        resident = Resident(display_name="钱阿姨")
        s.add(resident)
        s.flush()
        s.add(ChannelAccount(channel="test", external_id="2", resident_id=resident.id))
        for n in range(5):
            enqueue(s, idem_key=f"n{n}", kind="notice", payload={"text": str(n)}, due_at=START,
                    resident_id=resident.id)
    counting = CountingSender()
    worker = build_worker(sqlite_db, settings, {"test": counting}, clock)
    await run_tick(worker)
    assert counting.count == 5
    assert worker.last_tick_at == START


class CountingSender:
    channel = "test"

    def __init__(self):
        self.count = 0

    async def send(self, external_id: str, reply: Reply) -> None:
        self.count += 1
