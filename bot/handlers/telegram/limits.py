"""Pacing Bot API requests within Telegram's flood limits, for the adapter and the outbox alike.

Telegram allows about 30 messages a second overall, about one a second in one private chat and
20 a minute in one group. PTB's AIORateLimiter has no per-private-chat limit, so we use our own.
Only requests that carry a chat_id are paced. A 429 (RetryAfter) pauses every request for the
time Telegram asks, and is retried up to max_retries times before it reaches the caller.

With a SharedPace (what the service builds) the limits hold for all workers together: the
in-process paces only pre-check, and each request then books its chat's and the overall bucket
in the database at the same moment, right before it goes. A worker books at most one overall
slot ahead (it holds its turn until then), so a 429 stored by any worker stops the others at once.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.handlers.pacing import SharedPace
from bot.observability.metrics import count_rate_limited
from bot.settings import Telegram
from store.send_pace import Bucket

log = logging.getLogger("linli.telegram.limits")

MIN_CHAT_PACES_KEPT = 1024
OVERALL_KEY = "telegram:all"
BOOK_AHEAD_SECONDS = 0.25  # the most an overall slot is booked before it is due
CHAT_SLACK_SECONDS = 0.02  # a chat slot due this soon may be booked with the overall one
# Requests paced by this worker alone, booking nothing shared: removing the keyboard of a message
# the resident just pressed, or putting the answer in its place, sends no new message, and
# follows that resident's own press (nothing else edits messages).
LOCAL_ONLY_ENDPOINTS = frozenset({"editMessageReplyMarkup", "editMessageText"})


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait a RetryAfter asks for, in seconds (without PTB's deprecation warning)."""
    value = getattr(exc, "_retry_after", None)
    if value is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Pace:
    """Evenly spaced slots, `rate` a second, up to `burst` back to back (a virtual-time bucket)."""

    def __init__(self, rate: float, burst: float = 1.0):
        self.interval = 1.0 / rate
        self.tolerance = (max(1.0, burst) - 1.0) * self.interval
        self.next_free = float("-inf")  # theoretical time of the next slot

    def reserve(self, now: float) -> float:
        """Take the next slot; returns how long to wait for it (0 when free now)."""
        due = max(self.next_free, now)
        start = max(now, due - self.tolerance)
        self.next_free = due + self.interval
        return start - now

    def wait(self, now: float) -> float:
        """How long until a slot is free, without taking it."""
        return max(0.0, self.next_free - self.tolerance - now)

    def take(self, now: float) -> None:
        """Use the slot that is free now."""
        self.next_free = max(self.next_free, now) + self.interval

    def idle(self, now: float) -> bool:
        """True when this pace holds no reservation any more (it may be forgotten)."""
        return self.next_free <= now


class TelegramLimiter(BaseRateLimiter[int]):
    """Overall, per-private-chat and per-group pacing; honours RetryAfter by pausing everything."""

    def __init__(self, overall_per_second: float = 30.0, per_chat_per_second: float = 1.0,
                 per_group_per_minute: float = 20.0, max_retries: int = 0, *,
                 overall_burst: float | None = None, chat_burst: float = 3.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Coroutine[Any, Any, Any]] = asyncio.sleep,
                 shared: SharedPace | None = None):
        self.max_retries = max_retries
        burst = overall_burst or max(1.0, overall_per_second / 10)
        self._overall = Pace(overall_per_second, burst)
        self._overall_bucket = Bucket(OVERALL_KEY, 1.0 / overall_per_second, burst,
                                      ahead=max(BOOK_AHEAD_SECONDS, 3.0 / overall_per_second))
        self._shared = shared
        self._chat_rate = per_chat_per_second
        self._chat_burst = chat_burst
        self._group_rate = per_group_per_minute / 60.0
        self._chats: dict[int | str, Pace] = {}
        self._prune_at = MIN_CHAT_PACES_KEPT
        self._resume_at = float("-inf")
        self._overall_turn = asyncio.Lock()
        self._clock = clock
        self._sleep = sleep

    @classmethod
    def from_settings(cls, telegram: Telegram, **kwargs: Any) -> "TelegramLimiter":
        """A limiter with the rates of the [telegram] settings section (shared= for every worker's)."""
        return cls(telegram.rate_overall_per_second, telegram.rate_per_chat_per_second,
                   telegram.rate_per_group_per_minute, **kwargs)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the request's turn, make it, and retry after a RetryAfter if allowed."""
        chat_id = data.get("chat_id")
        if chat_id is None:
            return await callback(*args, **kwargs)
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        shared = self._shared if endpoint not in LOCAL_ONLY_ENDPOINTS else None
        for attempt in range(retries + 1):
            await self._wait_turn(chat_id, shared)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                count_rate_limited("telegram")
                wait = retry_after_seconds(exc)
                self._resume_at = max(self._resume_at, self._clock() + wait + 0.1)
                if self._shared is not None:
                    await self._shared.pause(self._overall_bucket, wait + 0.1)
                log.info("flood limit hit on %s: pausing %.1f s", endpoint, wait)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _wait_turn(self, chat_id: int | str, shared: SharedPace | None) -> None:
        """Sleep until the chat's pace and the overall pace both allow a message, outside a pause."""
        await self._wait_pause()
        pace = self._chat_pace(chat_id)
        await self._sleep_for(pace.reserve(self._clock()))
        while True:
            # The overall slot (and, shared, the chat's with it) is taken in arrival order at the
            # moment of sending, not booked far ahead: requests delayed together (a busy event
            # loop, a pause) then leave spaced, and a chat's sends keep their spacing.
            async with self._overall_turn:
                chat_wait = await self._take_overall(chat_id, pace, shared)
            if chat_wait is None:
                return
            await self._sleep(chat_wait)  # another worker wrote to this chat: let others go first

    async def _take_overall(self, chat_id: int | str, pace: Pace, shared: SharedPace | None) -> float | None:
        """Take an overall slot (and the chat's, when shared); the chat's wait if another worker holds it."""
        while True:
            await self._wait_pause()
            wait = self._overall.wait(self._clock())
            if wait > 0:
                await self._sleep(wait)
                continue
            booked = None if shared is None else await shared.reserve(
                [self._chat_bucket(chat_id, pace), self._overall_bucket])
            if booked is not None and not booked.booked:
                if booked.blocker != OVERALL_KEY:
                    return booked.wait
                await self._sleep(booked.wait)  # a pause another worker stored
                continue
            delay = booked.wait if booked is not None else 0.0
            self._overall.take(self._clock() + delay)
            await self._sleep_for(delay)  # holding the turn: one slot booked ahead at most
            return None

    def _chat_bucket(self, chat_id: int | str, pace: Pace) -> Bucket:
        burst = pace.tolerance / pace.interval + 1.0
        return Bucket(f"telegram:chat:{chat_id}", pace.interval, burst, ahead=CHAT_SLACK_SECONDS)

    async def _wait_pause(self) -> None:
        while (left := self._resume_at - self._clock()) > 0:
            await self._sleep(left)

    async def _sleep_for(self, seconds: float) -> None:
        if seconds > 0:
            await self._sleep(seconds)

    def _chat_pace(self, chat_id: int | str) -> Pace:
        pace = self._chats.get(chat_id)
        if pace is None:
            if len(self._chats) >= self._prune_at:
                self._prune()
            group = isinstance(chat_id, str) or chat_id < 0  # groups, channels, @usernames
            pace = Pace(self._group_rate, 1.0) if group else Pace(self._chat_rate, self._chat_burst)
            self._chats[chat_id] = pace
        return pace

    def _prune(self) -> None:
        now = self._clock()
        self._chats = {key: pace for key, pace in self._chats.items() if not pace.idle(now)}
        self._prune_at = max(MIN_CHAT_PACES_KEPT, 2 * len(self._chats))
