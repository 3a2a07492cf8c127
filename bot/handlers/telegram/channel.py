"""The Telegram channel as the service builds it: polling or webhook, and its outbox sender."""
from __future__ import annotations

import logging

from bot.dialogs.engine import Dialogs
from bot.handlers.channel import Channel, ChannelParts
from bot.handlers.telegram.adapter import ALLOWED_UPDATES, build_application
from bot.handlers.telegram.menu import set_commands
from bot.handlers.telegram.sender import TelegramSender
from bot.handlers.telegram.webhook import TelegramWebhook, set_webhook
from bot.settings import Settings

log = logging.getLogger("linli.telegram")


def build_telegram(dialogs: Dialogs, settings: Settings) -> ChannelParts | None:
    """Telegram when a token is set; webhook mode adds a route, polling starts the updater."""
    if settings.telegram.mode not in ("polling", "webhook"):
        raise ValueError(f"telegram mode must be polling or webhook, not {settings.telegram.mode!r}")
    if not settings.telegram.token.get_secret_value():
        log.info("telegram off (no token)")
        return None
    app = build_application(dialogs, settings)
    parts = ChannelParts("telegram", senders={"telegram": TelegramSender(app.bot)})
    hook = TelegramWebhook(app, settings) if settings.telegram.mode == "webhook" else None
    if hook is not None:  # refuses to start without a secret
        parts.routes.append(hook.setup)

    async def start() -> None:
        await app.initialize()
        await app.start()
        await set_commands(app.bot, settings.general.language)
        if hook is None:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
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
        elif app.updater.running:
            await app.updater.stop()

    async def stop() -> None:
        if app.running:
            await app.stop()  # handles the updates already queued

    async def close() -> None:
        await app.shutdown()  # after the tick: its sends use the same Bot

    parts.start, parts.stop_intake, parts.stop, parts.close = start, stop_intake, stop, close
    return parts


CHANNEL = Channel("telegram", ("telegram",), build_telegram)
