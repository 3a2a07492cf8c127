"""A channel's inbox: an update is stored before the platform gets its answer, then handled from it.

The worker that stores an update holds it for `[inbox] lease_seconds`: it handles the update at
once, and while the lease lasts it tries a failed update again itself (the database restarting,
say). Once the lease has run out (the worker died, or kept failing) any worker's sweep takes the
update over and hands it to the channel's `replay`. The sweep that takes an update over for the
`max_attempts`-th time lets its turn answer 系统繁忙 rather than fail again.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.dialogs.engine import Dialogs
from bot.dialogs.failures import StoredUpdate, handling_stored
from bot.handlers.background import Background
from bot.observability.metrics import count_inbox
from store.inbox import keep_update, load_payload, mark_done, take_over

Replay = Callable[[str, dict[str, Any]], Awaitable[None]]
Again = Callable[[], Awaitable[None]]

SWEEP_BATCH = 100
# A retry is not started this close to the lease's end: a sweep may take the update over then.
LEASE_MARGIN_SECONDS = 1.0

log = logging.getLogger("linli.inbox")


class Inbox:
    """One channel's stored updates, as this worker keeps, retries, finishes and takes them over."""

    def __init__(self, dialogs: Dialogs, channel: str, background: Background | None = None):
        self.db = dialogs.db
        self.clock = dialogs.clock
        self.worker_id = dialogs.worker_id
        self.channel = channel
        self.conf = dialogs.settings.inbox
        self.background = background or Background()
        self.replay: Replay | None = None  # set by the channel: handle a stored update again
        self._held: dict[str, float] = {}  # key → loop time this worker's lease ends
        self._tries: dict[str, int] = {}   # key → failures here under the current lease
        self._last: set[str] = set()       # keys on their last attempt

    async def keep(self, key: str, payload: dict[str, Any]) -> bool:
        """Store the update, held by this worker; False when it was stored before (a redelivery).

        Raises when the database cannot take it."""
        now = self.clock.now()
        lease = self.conf.lease_seconds
        new = await asyncio.to_thread(self._keep, key, payload, now, now + timedelta(seconds=lease))
        self._hold(key)
        count_inbox(self.channel, "kept")
        return new

    def _keep(self, key, payload, now, lease_until) -> bool:
        with self.db.session() as session:
            return keep_update(session, self.channel, key, payload, now, self.worker_id, lease_until)

    def _hold(self, key: str) -> None:
        self._held[key] = asyncio.get_running_loop().time() + self.conf.lease_seconds
        self._tries.pop(key, None)

    def retries(self, key: str) -> bool:
        """True when a failure of this update will be tried again (so its turn may raise)."""
        return key in self._held and key not in self._last

    def handling(self, key: str):
        """Context for handling the update: its turn raises on failure while retries remain, and
        marks the row done in its own transaction (see bot.dialogs.failures)."""
        return handling_stored(self.channel, key, self.retries(key))

    async def done(self, key: str, stored: StoredUpdate | None = None) -> None:
        """Record the update as handled (unless its turn did); if that fails the sweep handles it
        again, harmlessly."""
        self._forget(key)
        if stored is not None and stored.done:
            return
        try:
            await asyncio.to_thread(self._done, key)
        except Exception as exc:  # noqa: BLE001
            log.warning("%s update %s not marked done: %r", self.channel, key, exc)

    def _done(self, key: str) -> None:
        with self.db.session() as session:
            mark_done(session, self.channel, [key], self.clock.now())

    def failed(self, key: str, again: Again) -> None:
        """Try the update again after a backoff while this worker's lease lasts; later the sweep will."""
        held = self._held.get(key)
        tries = self._tries.get(key, 0) + 1
        wait = self.conf.retry_seconds * 2 ** (tries - 1)
        loop = asyncio.get_running_loop()
        count_inbox(self.channel, "failed")
        if held is None or key in self._last or loop.time() + wait > held - LEASE_MARGIN_SECONDS:
            self._forget(key)
            log.warning("%s update %s failed; left for the sweep", self.channel, key)
            return
        self._tries[key] = tries
        self.background.start(self._again(key, wait, again))

    async def _again(self, key: str, wait: float, again: Again) -> None:
        await asyncio.sleep(wait)
        if key not in self._held:
            return  # finished meanwhile (a redelivery of the same update)
        count_inbox(self.channel, "retried")
        try:
            await again()
        except Exception as exc:  # noqa: BLE001
            log.warning("%s update %s retry failed: %r", self.channel, key, exc)
            self.failed(key, again)

    def _forget(self, key: str) -> None:
        self._held.pop(key, None)
        self._tries.pop(key, None)
        self._last.discard(key)

    async def sweep(self) -> int:
        """Take over updates whose lease ran out and replay them; how many were taken."""
        if self.replay is None:
            return 0
        rows = await asyncio.to_thread(take_over, self.db, self.channel, self.clock.now(),
                                       self.conf.lease_seconds, self.worker_id, SWEEP_BATCH)
        for row in rows:
            self._hold(row.update_key)
            if row.attempts >= self.conf.max_attempts:
                self._last.add(row.update_key)
            count_inbox(self.channel, "taken_over")
            try:
                await self.replay(row.update_key, load_payload(row))
            except Exception as exc:  # noqa: BLE001  (left pending: a later sweep tries again)
                if row.update_key in self._last:  # unreadable every time: given up, not swept forever
                    log.error("%s update %s given up: %r", self.channel, row.update_key, exc)
                    await self.done(row.update_key)
                    continue
                log.warning("%s update %s not replayed: %r", self.channel, row.update_key, exc)
                self._forget(row.update_key)
        if rows:
            log.info("%s inbox: took over %d updates", self.channel, len(rows))
        return len(rows)
