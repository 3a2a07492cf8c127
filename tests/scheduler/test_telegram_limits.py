"""The Telegram limiter on a virtual clock: per-chat, per-group and overall pacing, RetryAfter pauses."""
from __future__ import annotations

import asyncio
import heapq

import pytest
from telegram.error import RetryAfter

from bot.handlers.telegram.limits import Pace, TelegramLimiter

# PTB itself warns when it builds a RetryAfter (its retry_after type is changing).
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class VirtualTime:
    """A clock that moves only when the limiter sleeps."""

    def __init__(self):
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def vt():
    return VirtualTime()


def limiter(vt, **kw) -> TelegramLimiter:
    return TelegramLimiter(clock=vt.clock, sleep=vt.sleep, **kw)


async def send(lim: TelegramLimiter, vt: VirtualTime, chat_id, times: list[float], fail=None):
    async def call():
        times.append(round(vt.now, 6))
        if fail:
            exc = fail.pop(0) if fail else None
            if exc:
                raise exc
        return True
    data = {} if chat_id is None else {"chat_id": chat_id, "text": "x"}
    return await lim.process_request(call, (), {}, "sendMessage", data, None)


async def test_private_chat_gets_a_short_burst_then_one_a_second(vt):
    lim, times = limiter(vt), []
    for _ in range(5):
        await send(lim, vt, 42, times)
    assert times == [0, 0, 0, 1, 2]


async def test_strict_private_chat_pace(vt):
    lim, times = limiter(vt, chat_burst=1), []
    for _ in range(3):
        await send(lim, vt, "42", times)  # PTB may hand the id over as text
    assert times == [0, 1, 2]


async def test_group_is_paced_at_twenty_a_minute(vt):
    lim, times = limiter(vt), []
    for _ in range(4):
        await send(lim, vt, -100123, times)
    assert times == [0, 3, 6, 9]


async def test_overall_pace_across_chats(vt):
    lim, times = limiter(vt, overall_per_second=10, overall_burst=2), []
    for chat in range(1, 6):
        await send(lim, vt, chat, times)
    assert times == [0, 0, 0.1, 0.2, 0.3]


async def test_requests_without_a_chat_are_not_paced(vt):
    lim, times = limiter(vt, overall_per_second=1, overall_burst=1), []
    for _ in range(5):
        await send(lim, vt, None, times)
    assert times == [0] * 5


async def test_retry_after_pauses_everything_and_is_retried(vt):
    lim, times = limiter(vt, max_retries=1), []
    assert await send(lim, vt, 1, times, fail=[RetryAfter(5)])
    assert times == [0, 5.1]
    await send(lim, vt, 2, times)
    assert times[-1] == 5.1


async def test_retry_after_reaches_the_caller_when_no_retries_are_left(vt):
    lim, times = limiter(vt), []
    with pytest.raises(RetryAfter):
        await send(lim, vt, 1, times, fail=[RetryAfter(5)])
    await send(lim, vt, 2, times)  # another chat still waits out the pause
    assert times == [0, 5.1]


def test_pace_forgets_nothing_while_busy():
    pace = Pace(rate=1, burst=2)
    assert [pace.reserve(0) for _ in range(4)] == [0, 0, 1, 2]
    assert not pace.idle(3.5) and pace.idle(4)


def test_limiter_from_settings(settings):
    lim = TelegramLimiter.from_settings(settings.telegram)
    assert lim._overall.interval == pytest.approx(1 / 30)
    assert lim._chat_pace(-1).interval == pytest.approx(3)
    assert lim._chat_pace(1).interval == pytest.approx(1)


class SteppedTime:
    """Virtual time for concurrent tasks: when every task waits, jump to the earliest wake-up."""

    def __init__(self):
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future]] = []
        self._count = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._count += 1
        heapq.heappush(self._sleepers, (self.now + seconds, self._count, future))
        await future

    async def run(self, *coros):
        tasks = [asyncio.ensure_future(c) for c in coros]
        while not all(t.done() for t in tasks):
            for _ in range(50):  # let every task run until it waits
                await asyncio.sleep(0)
            if self._sleepers:
                when, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, when)
                future.set_result(None)
        return [t.result() for t in tasks]


async def test_concurrent_requests_leave_evenly_spaced_in_arrival_order():
    st = SteppedTime()
    lim = TelegramLimiter(overall_per_second=10, overall_burst=1, clock=st.clock, sleep=st.sleep)
    sent = []

    async def one(chat):
        async def call():
            sent.append((chat, round(st.now, 6)))
            return True
        return await lim.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)

    await st.run(*(one(chat) for chat in range(1, 7)))
    assert sent == [(1, 0), (2, 0.1), (3, 0.2), (4, 0.3), (5, 0.4), (6, 0.5)]


async def test_a_pause_holds_requests_already_waiting():
    st = SteppedTime()
    lim = TelegramLimiter(overall_per_second=10, overall_burst=1, clock=st.clock, sleep=st.sleep)
    sent, failures = [], [RetryAfter(2)]

    async def one(chat):
        async def call():
            if chat == 1 and failures:
                raise failures.pop()
            sent.append((chat, round(st.now, 6)))
            return True
        return await lim.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, 1)

    await st.run(*(one(chat) for chat in range(1, 4)))
    # Chat 1 hit the flood limit at 0: nothing leaves before 2.1 s, then one every 0.1 s.
    assert sent[0][1] >= 2.1 and [t for _, t in sent] == sorted(t for _, t in sent)
    assert all(b - a >= 0.1 - 1e-9 for (_, a), (_, b) in zip(sent, sent[1:]))


class CountingShared:
    """Stands in for the shared send limits: counts reservations, every one booked at once."""

    def __init__(self):
        self.reserved = 0

    async def reserve(self, buckets):
        from store.send_pace import Reservation
        self.reserved += 1
        return Reservation(True, 0.0, None)


async def test_removing_a_pressed_keyboard_books_no_shared_slot_but_a_send_does(vt):
    shared = CountingShared()
    lim = limiter(vt, shared=shared)

    async def call():
        return True
    data = {"chat_id": 42, "message_id": 7}
    await lim.process_request(call, (), {}, "editMessageReplyMarkup", data, None)
    assert shared.reserved == 0
    await lim.process_request(call, (), {}, "sendMessage", {"chat_id": 42, "text": "x"}, None)
    assert shared.reserved == 1
