"""The service as `linli serve` builds it, with the 公众号 on, wired to the fake API and callbacks."""
from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from pydantic import SecretStr

from bot.app import Service, build_service
from bot.dialogs.engine import Dialogs
from bot.handlers.wechat.callback import WECHAT_CHANNEL, WechatChannel
from bot.settings import Settings
from tests.fakes.wechat_api import FakeWechatApi
from tests.fakes.wechat_callbacks import FakeWechatCallbacks, Posted
from tests.fakes.wecom_stack import random_aes_key

APP_ID = "wx0123456789abcdef"
SECRET = "wechat-app-secret-for-tests"
TOKEN = "wechattoken"
TEMPLATES = {"template_reminder": "tpl-reminder", "template_result": "tpl-result",
             "template_poll": "tpl-poll", "template_notice": "tpl-notice"}


def wechat_settings(settings: Settings, api_base_url: str, encrypted: bool = True, **overrides) -> Settings:
    """The test settings with a 公众号 pointed at api_base_url (安全模式 unless encrypted is False)."""
    values = dict(app_id=APP_ID, app_secret=SecretStr(SECRET), token=SecretStr(TOKEN),
                  encoding_aes_key=SecretStr(random_aes_key() if encrypted else ""),
                  api_base_url=api_base_url, oauth_base_url=api_base_url, **TEMPLATES)
    values.update(overrides)
    return settings.model_copy(update={"wechat": settings.wechat.model_copy(update=values)})


@dataclass
class WechatStack:
    """Everything a 公众号 test touches."""

    fake: FakeWechatApi
    service: Service
    channel: WechatChannel
    callbacks: FakeWechatCallbacks
    settings: Settings

    @property
    def base_url(self) -> str:
        """Where the service's web app listens (the web chat page is at /)."""
        return self.callbacks.url[:-len(self.settings.wechat.callback_path)]

    async def say(self, user: str, text: str) -> Posted:
        """A follower types text; returns once every answer is out (passive or 客服消息)."""
        posted = await self.callbacks.send_text(user, text)
        await self.channel.drain()
        return posted

    async def event(self, posting) -> Posted:
        """Post an event built by the callbacks fake; returns once every answer is out."""
        posted = await posting
        await self.channel.drain()
        return posted


@asynccontextmanager
async def wechat_stack(dialogs: Dialogs, settings: Settings, *, encrypted: bool = True, **overrides):
    """Start the fake API and the service's web app; yields a WechatStack."""
    fake = FakeWechatApi(APP_ID, SECRET, templates=set(TEMPLATES.values()))
    await fake.start()
    runner = None
    try:
        settings = wechat_settings(settings, fake.base_url, encrypted, **overrides)
        service = build_service(settings, dialogs)
        runner = web.AppRunner(service.web_app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        w = settings.wechat
        callbacks = FakeWechatCallbacks(f"http://{host}:{port}{w.callback_path}", TOKEN, APP_ID,
                                        w.encoding_aes_key.get_secret_value())
        yield WechatStack(fake, service, service.web_app[WECHAT_CHANNEL], callbacks, settings)
    finally:
        if runner is not None:
            await runner.cleanup()
        await fake.close()
