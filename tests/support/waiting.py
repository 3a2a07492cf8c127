"""Waiting for a condition in tests: poll it until it holds, fail with a clear message after a timeout."""
from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

POLL_SECONDS = 0.01

Predicate = Callable[[], object | Awaitable[object]]


async def wait_until(predicate: Predicate, timeout: float = 5.0,
                     what: str | Callable[[], str] = "condition") -> None:
    """Return once predicate() (which may be a coroutine function) is true; fail after timeout seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        held = predicate()
        if inspect.isawaitable(held):
            held = await held
        if held:
            return
        if loop.time() > deadline:
            described = what() if callable(what) else what
            raise AssertionError(f"{described}: not met within {timeout}s")
        await asyncio.sleep(POLL_SECONDS)
