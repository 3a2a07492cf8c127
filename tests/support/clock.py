"""A clock the tests move by hand, in place of bot.clock.SystemClock."""
from __future__ import annotations

from datetime import datetime, timedelta

from store.clock import utcnow


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None):
        self._now = start or utcnow()

    def now(self) -> datetime:
        """The clock's current naive UTC time."""
        return self._now

    def advance(self, **delta: float) -> datetime:
        """Move forward by a timedelta given as keyword arguments."""
        self._now += timedelta(**delta)
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to a given naive UTC time."""
        self._now = when
