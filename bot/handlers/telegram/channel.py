"""The Telegram channel as the service builds it: polling or webhook, and its outbox sender."""
from __future__ import annotations

import logging

from bot.dialogs.engine import Dialogs
from bot.handlers.channel import Channel, ChannelParts
from bot.handlers.inbox import Inbox
from bot.settings import Settings

log = logging.getLogger("linli.telegram")


def build_telegram(dialogs: Dialogs, settings: Settings) -> ChannelParts | None:
    """Telegram when a token is set; webhook mode adds a route, polling starts our getUpdates loop.

    Either way every update is stored in the inbox before Telegram is told it arrived."""
    if settings.telegram.mode not in ("polling", "webhook"):
        raise ValueError(f"telegram mode must be polling or webhook, not {settings.telegram.mode!r}")
    if not settings.telegram.token.get_secret_value():
        log.info("telegram off (no token)")
        return None
    # python-telegram-bot (15 MB with httpx) is loaded only by a worker that runs Telegram.
    from telegram import Update

    from bot.handlers.telegram.adapter import ALLOWED_UPDATES, CHANNEL as TELEGRAM, build_application
    from bot.handlers.telegram.menu import set_commands
    from bot.handlers.telegram.polling import InboxPolling
    from bot.handlers.telegram.sender import TelegramSender
    from bot.handlers.telegram.webhook import TelegramWebhook, set_webhook

    inbox = Inbox(dialogs, TELEGRAM)
    webhook = settings.telegram.mode == "webhook"
    app = build_application(dialogs, settings, inbox=inbox, presses_answered=webhook)

    async def replay(key: str, payload: dict) -> None:
        await app.update_queue.put(Update.de_json(payload, app.bot))

    inbox.replay = replay
    parts = ChannelParts("telegram", senders={"telegram": TelegramSender(app.bot)}, inboxes=[inbox])
    hook = TelegramWebhook(app, settings, inbox) if webhook else None
    polling = InboxPolling(app, inbox, ALLOWED_UPDATES) if hook is None else None
    if hook is not None:  # refuses to start without a secret
        parts.routes.append(hook.setup)

    async def start() -> None:
        await app.initialize()
        await app.start()
        await set_commands(app.bot, settings.general.language)
        if polling is not None:
            await polling.start()
            log.info("telegram polling")
            return
        if settings.telegram.webhook_url:
            try:
                await set_webhook(app.bot, settings, settings.telegram.webhook_url)
            except Exception as exc:  # noqa: BLE001  (an earlier registration may still hold)
                log.warning("telegram webhook not registered: %r", exc)
        log.info("telegram webhook at %s", settings.telegram.webhook_path)

    async def stop_intake() -> None:
        if hook is not None:
            hook.close()  # later deliveries get 503 and go to another worker
        else:
            await polling.stop()

    async def stop() -> None:
        if app.running:
            await app.stop()  # handles the updates already queued
        inbox.background.cancel()  # retries still waiting: their rows stay for another worker's sweep

    async def close() -> None:
        await app.shutdown()  # after the tick: its sends use the same Bot

    parts.start, parts.stop_intake, parts.stop, parts.close = start, stop_intake, stop, close
    return parts


CHANNEL = Channel("telegram", ("telegram",), build_telegram)
