"""The store's own notion of now: naive UTC, the form every stored time has."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now in UTC, naive (the store keeps naive UTC times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
