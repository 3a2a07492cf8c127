"""A small sliding-window rate limiter, kept in memory (so each worker process counts alone)."""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` events per `window` seconds for each key."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count one event for key; False when the key is over its limit."""
        now = self.clock()
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self.max_keys:
                self._sweep(now)
            events = self._events[key] = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    def retry_after(self, key: str) -> float:
        """Seconds until key may send again (0 when it may now)."""
        events = self._events.get(key)
        if not events or len(events) < self.limit:
            return 0.0
        return max(0.0, events[0] + self.window - self.clock())

    def _sweep(self, now: float) -> None:
        # Forget keys that have been quiet for a whole window; if all are busy, start over
        # rather than grow without bound.
        idle = [k for k, ev in self._events.items() if not ev or ev[-1] <= now - self.window]
        for key in idle:
            del self._events[key]
        if len(self._events) >= self.max_keys:
            self._events.clear()
