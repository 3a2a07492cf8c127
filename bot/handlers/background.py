"""Work a callback channel starts after its HTTP answer, waited for before the server stops."""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

SHUTDOWN_WAIT_SECONDS = 20


async def stop_task(task: asyncio.Task | None) -> None:
    """Cancel a long-running task and wait until it has stopped (None: nothing to stop)."""
    if task is None:
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


class Background:
    """The tasks under way; `drain` waits for them and for those they start."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task] = set()

    def start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task:
        """Run coro as a task kept until it is done."""
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for the tasks still running (and those they start), up to timeout."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self.tasks:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return
            await asyncio.wait(set(self.tasks), timeout=left)

    def cancel(self) -> None:
        """Cancel the tasks still running (retries waiting for their turn)."""
        for task in list(self.tasks):
            task.cancel()

    async def on_shutdown(self, app: web.Application) -> None:
        """Let started work finish before the server stops."""
        await self.drain(SHUTDOWN_WAIT_SECONDS)


def add_callback_routes(app: web.Application, path: str, verify, receive, background: Background) -> None:
    """GET (the platform's URL check) and POST (messages) at path; background drained at shutdown."""
    app.router.add_get(path, verify, allow_head=False)
    app.router.add_post(path, receive)
    app.on_shutdown.append(background.on_shutdown)
