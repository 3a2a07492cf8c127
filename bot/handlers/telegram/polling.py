"""Long polling that confirms an update to Telegram only once it is stored in the inbox.

python-telegram-bot's Updater moves the getUpdates offset past an update as soon as it is in
the Application's memory queue, so a worker that dies (or a database that is away) loses it.
Here each batch is stored first; only then are the updates queued and the offset moved on. A
batch that cannot be stored is fetched again, unconfirmed, after a pause.
"""
from __future__ import annotations

import asyncio
import logging

from telegram.error import TelegramError
from telegram.ext import Application

from bot.handlers.background import stop_task
from bot.handlers.inbox import Inbox
from bot.observability.metrics import count_inbox

POLL_TIMEOUT_SECONDS = 10
MAX_PAUSE_SECONDS = 10.0

log = logging.getLogger("linli.telegram.polling")


class InboxPolling:
    """getUpdates in a loop: store, queue, then confirm."""

    def __init__(self, app: Application, inbox: Inbox, allowed_updates: list[str],
                 timeout: int = POLL_TIMEOUT_SECONDS):
        self.app = app
        self.inbox = inbox
        self.allowed = allowed_updates
        self.timeout = timeout
        self.offset: int | None = None
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        """Drop a webhook registration (polling and a webhook exclude each other) and start polling."""
        await self.app.bot.delete_webhook()
        self._task = asyncio.create_task(self._loop(), name="linli:telegram-polling")

    async def stop(self) -> None:
        """Stop polling; what was stored is confirmed, what was not is fetched again next time."""
        if self._task is None:
            return
        await stop_task(self._task)
        self._task = None
        if self.offset is not None:
            try:
                await self.app.bot.get_updates(offset=self.offset, timeout=0, allowed_updates=self.allowed)
            except TelegramError as exc:
                log.info("stored updates not confirmed at stop (fetched again next start): %s", exc)

    async def _loop(self) -> None:
        pause = 0.0
        while True:
            if pause:
                await asyncio.sleep(pause)
            try:
                await self.poll_once()
                pause = 0.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001  (Telegram or the database away: try again later)
                pause = min(MAX_PAUSE_SECONDS, max(0.5, pause * 2))
                log.warning("telegram polling: %r; again in %.1fs", exc, pause)

    async def poll_once(self) -> int:
        """Fetch one batch, store it, queue it, move the offset on; how many updates came."""
        updates = await self.app.bot.get_updates(offset=self.offset, timeout=self.timeout,
                                                 allowed_updates=self.allowed)
        for update in updates:
            try:
                await self.inbox.keep(str(update.update_id), update.to_dict())
            except Exception:
                count_inbox("telegram", "refused")
                raise  # not confirmed: the same batch comes again
        for update in updates:
            await self.app.update_queue.put(update)
        if updates:
            self.offset = updates[-1].update_id + 1
        return len(updates)
