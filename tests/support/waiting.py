"""Waiting for a condition in tests: poll it until it holds, fail with a clear message after a timeout."""
from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

from telegram.ext import Application

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


async def updates_handled(tg_app: Application, timeout: float = 5.0) -> None:
    """Return once every update queued to a python-telegram-bot Application has been handled."""
    try:
        await asyncio.wait_for(tg_app.update_queue.join(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"{tg_app.update_queue.qsize()} updates still queued after {timeout}s") from None
