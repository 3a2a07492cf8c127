"""Two Telegram limiters on one database pace as one: overall slots, a chat, and a 429's pause."""
from __future__ import annotations

import pytest
from telegram.error import RetryAfter

from bot.handlers.pacing import SharedPace
from bot.handlers.telegram.limits import TelegramLimiter
from store.db import Database

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

EPOCH = 1_800_000_000.0


class VirtualTime:
    """One clock for both limiters and the buckets; it moves only when a limiter sleeps."""

    def __init__(self):
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def epoch(self) -> float:
        return EPOCH + self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def vt():
    return VirtualTime()


def worker(db, vt, **kw) -> TelegramLimiter:
    """One worker's limiter: its own in-process paces, the shared buckets of db."""
    shared = SharedPace(db, sleep=vt.sleep, clock=vt.epoch)
    return TelegramLimiter(clock=vt.clock, sleep=vt.sleep, shared=shared, **kw)


async def send(lim: TelegramLimiter, vt: VirtualTime, chat_id, times: list[float], fail=None):
    async def call():
        if fail:
            raise fail.pop(0)
        times.append(round(vt.now, 3))  # the buckets count in epoch seconds: ~1e-7 s of rounding
        return True
    return await lim.process_request(call, (), {}, "sendMessage", {"chat_id": chat_id}, None)


async def test_two_workers_share_the_overall_pace(db, vt):
    a, b = worker(db, vt, overall_per_second=10, overall_burst=1), worker(
        db, vt, overall_per_second=10, overall_burst=1)
    times: list[float] = []
    for chat in range(1, 7):
        await send(a if chat % 2 else b, vt, chat, times)
    assert times == [0, 0.1, 0.2, 0.3, 0.4, 0.5]


async def test_a_chat_written_to_by_one_worker_waits_on_the_other(db, vt):
    a, b = worker(db, vt, chat_burst=1), worker(db, vt, chat_burst=1)
    times: list[float] = []
    await send(a, vt, 42, times)
    await send(b, vt, 42, times)
    await send(b, vt, -100, times)  # a group: its own bucket, 20 a minute
    await send(a, vt, -100, times)
    assert times == [0, 1, 1, 4]


async def test_a_429_seen_by_one_worker_pauses_the_other(db, vt):
    a, b = worker(db, vt), worker(db, vt)
    times: list[float] = []
    with pytest.raises(RetryAfter):
        await send(a, vt, 1, times, fail=[RetryAfter(5)])
    await send(b, vt, 2, times)
    assert times == [5.1]


async def test_without_the_database_a_worker_still_paces_on_its_own(tmp_path, vt):
    broken = Database(f"sqlite:///{tmp_path / 'no-tables.db'}")  # no send_pace table
    lim = worker(broken, vt, overall_per_second=10, overall_burst=1, chat_burst=1)
    times: list[float] = []
    for chat in (1, 1, 2):
        await send(lim, vt, chat, times)
    assert times == [0, 1, 1.1]
    broken.dispose()
