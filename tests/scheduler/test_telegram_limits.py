"""The Telegram limiter on a virtual clock: per-chat, per-group and overall pacing, RetryAfter pauses."""
from __future__ import annotations

import pytest
from telegram.error import RetryAfter

from bot.handlers.telegram_limits import Pace, TelegramLimiter

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
