"""The Telegram adapter, built as `linli serve` builds it, polling the fake Bot API in-process."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import SecretStr
from aiohttp import web
from telegram.ext import Application

from bot.dialogs.engine import Dialogs
from bot.handlers.telegram.adapter import build_application
from bot.handlers.telegram.channel import build_telegram
from bot.handlers.web.server import start_web
from bot.settings import Settings
from tests.fakes.telegram_api import FakeBotApi, button_rows


def telegram_settings(settings: Settings, api: FakeBotApi) -> Settings:
    """The settings pointed at the fake server, without per-chat and per-group pacing."""
    # A test presses buttons far faster than anyone could; pacing has tests of its own.
    tg = settings.telegram.model_copy(update={"token": SecretStr(api.token), "base_url": api.base_url,
                                              "base_file_url": api.base_file_url,
                                              "rate_per_chat_per_second": 1000.0,
                                              "rate_per_group_per_minute": 60000.0})
    return settings.model_copy(update={"telegram": tg})


@asynccontextmanager
async def polling(dialogs: Dialogs, settings: Settings, api: FakeBotApi) -> AsyncIterator[Application]:
    """The adapter on settings pointed at api (telegram_settings), polling it for the block.

    After a block that went well, every button press was answered and every button's data fits
    Telegram's 64 bytes."""
    app = build_application(dialogs, telegram_settings(settings, api))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert api.unanswered_callbacks == []
    for message in api.sent:
        for row in button_rows(message):
            assert row and all(len(b["callback_data"].encode("utf-8")) <= 64 for b in row)


@asynccontextmanager
async def webhook_channel(dialogs: Dialogs) -> AsyncIterator[str]:
    """The Telegram channel as `linli serve` builds it in webhook mode (dialogs' settings), on a local
    port for the block; yields the webhook's URL."""
    parts = build_telegram(dialogs, dialogs.settings)
    app = web.Application()
    for route in parts.routes:
        route(app)
    running = await start_web(app, "127.0.0.1", 0, access_log=False)
    await parts.start()
    try:
        yield f"{running.url}{dialogs.settings.telegram.webhook_path}"
    finally:
        await parts.stop_intake()
        await running.stop()
        await parts.stop()
        await parts.close()
