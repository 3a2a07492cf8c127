"""Send limits shared by every worker: the database's send_pace buckets, reserved off the event loop.

Channels keep their in-process limiter as a fast pre-check and ask this one before each send,
so N workers together stay within one platform limit. If the database cannot be reached the
reservation is skipped (logged) and the worker paces on its own until it can.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from store.db import Database
from store.send_pace import (Bucket, Reservation, create_missing, forget_idle, pause, reserve,
                             reserve_in_one_statement)

log = logging.getLogger("linli.pacing")

PRUNE_EVERY = 5000           # reservations between two sweeps of idle buckets
IDLE_SECONDS = 30 * 86400.0  # a bucket idle this long is deleted (a row per chat is cheap to keep)
WARN_EVERY_SECONDS = 60.0


class SharedPace:
    """Reserve slots in buckets every worker shares; one short transaction a reservation."""

    def __init__(self, db: Database,
                 sleep: Callable[[float], Coroutine[Any, Any, Any]] = asyncio.sleep,
                 clock: Callable[[], float] | None = None):
        self.db = db
        self._sleep = sleep
        self._clock = clock  # seconds since the epoch; None: the database's own clock
        self._reservations = 0
        self._warned_at = float("-inf")

    async def reserve(self, buckets: list[Bucket]) -> Reservation | None:
        """Book a slot in every bucket, or learn how long to wait; None when the database failed."""
        try:
            return await asyncio.to_thread(self._reserve, buckets)
        except Exception as exc:  # noqa: BLE001  (pacing must not stop delivery)
            self._warn("shared send limits unreachable, pacing this worker alone: %r", exc)
            return None

    async def acquire(self, buckets: list[Bucket]) -> float:
        """Wait for a slot booked in every bucket; returns the seconds waited."""
        waited = 0.0
        while True:
            reservation = await self.reserve(buckets)
            if reservation is None:
                return waited
            if reservation.wait > 0:
                waited += reservation.wait
                await self._sleep(reservation.wait)
            if reservation.booked:
                return waited

    async def pause(self, bucket: Bucket, seconds: float) -> None:
        """Hold every worker's sends in this bucket back for `seconds` (a 429's retry_after)."""
        try:
            await asyncio.to_thread(self._pause, bucket, seconds)
        except Exception as exc:  # noqa: BLE001
            self._warn("pause not shared with the other workers: %r", exc)

    def _reserve(self, buckets: list[Bucket]) -> Reservation:
        reservation = None
        if self.db.is_postgres:  # one round trip; a bucket seen for the first time takes three
            with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                reservation = reserve_in_one_statement(conn, buckets, self._now())
                if reservation is None:
                    create_missing(conn, [b.key for b in buckets])
                    reservation = reserve_in_one_statement(conn, buckets, self._now())
        if reservation is None:
            with self.db.session() as session:
                reservation = reserve(session, buckets, self._now())
        self._reservations += 1
        if self._reservations % PRUNE_EVERY == 0:
            with self.db.session() as session:
                forget_idle(session, IDLE_SECONDS, self._now())
        return reservation

    def _pause(self, bucket: Bucket, seconds: float) -> None:
        with self.db.session() as session:
            pause(session, bucket, seconds, self._now())

    def _now(self) -> float | None:
        return None if self._clock is None else self._clock()

    def _warn(self, message: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning(message, exc)
