"""The update a channel is handling from its inbox: whether a failed turn raises so the update is
tried again (instead of answering 系统繁忙), and whether the turn already marked its row done."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class StoredUpdate:
    """An update kept in a channel's inbox, as the turn that handles it sees it."""

    channel: str
    key: str
    retried: bool = True  # a failed turn raises: the channel tries the stored update again
    done: bool = False    # set once a turn committed with the row marked done


# A context variable, because the turn runs in a thread (asyncio.to_thread copies the context)
# several calls below the channel; the object is shared, so the thread's mark is seen here.
_STORED: ContextVar[StoredUpdate | None] = ContextVar("stored_update", default=None)


@contextmanager
def handling_stored(channel: str, key: str, retried: bool = True) -> Iterator[StoredUpdate]:
    """Inside the block, turns know they handle this stored update."""
    stored = StoredUpdate(channel, key, retried)
    token = _STORED.set(stored)
    try:
        yield stored
    finally:
        _STORED.reset(token)


def stored_update() -> StoredUpdate | None:
    """The stored update being handled, if any."""
    return _STORED.get()


def are_retried() -> bool:
    """True when the update being handled will be tried again if its turn fails."""
    stored = _STORED.get()
    return stored is not None and stored.retried
