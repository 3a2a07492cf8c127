"""Our WeCom endpoint on a local port, wired to the fake WeCom API and the fake callback sender."""
from __future__ import annotations

import asyncio
import base64
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import SecretStr

from bot.dialogs.engine import Dialogs
from bot.handlers.wecom.callback import WECOM_CHANNEL, WecomChannel, setup_wecom_routes
from bot.handlers.wecom.client import MemberRateLimiter, WecomApi, build_api
from bot.settings import Settings
from tests.fakes.wecom_api import FakeWecomApi
from tests.fakes.wecom_callbacks import FakeWecomCallbacks, Posted

CORP_ID = "ww0123456789abcdef"
AGENT_ID = 1000002
SECRET = "app-secret-for-tests"
TOKEN = "callbacktoken"


def random_aes_key() -> str:
    """An EncodingAESKey: 43 characters of base64 without the trailing '='."""
    return base64.b64encode(os.urandom(32)).decode().rstrip("=")


@dataclass
class FakeClock:
    """A monotonic clock whose sleep moves time instead of waiting."""

    now: float = 1_000.0
    waits: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def wecom_settings(settings: Settings, api_base_url: str, **overrides) -> Settings:
    """The test settings with a WeCom application pointed at api_base_url."""
    values = dict(corp_id=CORP_ID, agent_id=str(AGENT_ID), secret=SecretStr(SECRET),
                  token=SecretStr(TOKEN), encoding_aes_key=SecretStr(random_aes_key()),
                  api_base_url=api_base_url)
    values.update(overrides)
    return settings.model_copy(update={"wecom": settings.wecom.model_copy(update=values)})


@dataclass
class WecomStack:
    """Everything a WeCom conversation test touches."""

    fake: FakeWecomApi
    api: WecomApi
    channel: WecomChannel
    callbacks: FakeWecomCallbacks
    settings: Settings

    async def say(self, user: str, text: str) -> Posted:
        """A member types text; returns once our answer is out."""
        posted = await self.callbacks.send_text(user, text)
        await self.channel.drain()
        return posted

    async def menu_click(self, user: str, key: str) -> Posted:
        """A member presses an entry of the application's menu; returns once our answer is out."""
        posted = await self.callbacks.menu_click(user, key)
        await self.channel.drain()
        return posted

    async def click(self, user: str, key: str, task_id: str, response_code: str | None = None) -> Posted:
        """A member presses a card button; returns once our answer is out."""
        posted = await self.callbacks.click(user, key, task_id, response_code)
        await self.channel.drain()
        return posted


@asynccontextmanager
async def wecom_stack(dialogs: Dialogs, settings: Settings, *, limiter: MemberRateLimiter | None = None,
                      fake: FakeWecomApi | None = None, **channel_options):
    """Start the fake API and our endpoint; yields a WecomStack."""
    fake = fake or FakeWecomApi(CORP_ID, SECRET, per_member_per_minute=settings.wecom.per_member_per_minute)
    base = await fake.start()
    runner = None
    try:
        settings = wecom_settings(settings, base)
        api = build_api(settings.wecom, dialogs.db, limiter)
        app = web.Application()
        setup_wecom_routes(app, dialogs, settings, api, **channel_options)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        w = settings.wecom
        callbacks = FakeWecomCallbacks(f"http://{host}:{port}{w.callback_path}", w.token.get_secret_value(),
                                       w.encoding_aes_key.get_secret_value(), w.corp_id, AGENT_ID)
        yield WecomStack(fake, api, app[WECOM_CHANNEL], callbacks, settings)
    finally:
        if runner is not None:
            await runner.cleanup()
        await fake.close()
