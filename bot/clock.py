"""The service's clock: naive UTC now."""
from __future__ import annotations

from datetime import datetime

from store.clock import utcnow


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """Naive UTC now."""
        return utcnow()
