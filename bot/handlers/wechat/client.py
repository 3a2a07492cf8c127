"""Calling the 公众号 API: wechatpy's client on our token store, behind an async facade."""
from __future__ import annotations

from typing import Any

from wechatpy import WeChatClient

from bot.handlers.wechatpy_base import (TIMEOUT_SECONDS, ApiError, SerialCalls, SharedToken,
                                        quiet_request_lines)
from bot.settings import WeChat
from store.db import Database
from store.wecom_tokens import DbTokenStorage

WechatApiError = ApiError  # a failed 公众号 call; the message never holds the token or the secret


class WechatClient(SharedToken, WeChatClient):
    """wechatpy's 公众号 client with a configurable base URL and a token shared through storage."""

    token_path = "token"

    def __init__(self, app_id: str, secret: str, api_base_url: str, storage,
                 timeout: float = TIMEOUT_SECONDS):
        super().__init__(app_id, secret, session=storage, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = f"{api_base_url.rstrip('/')}/cgi-bin/"
        quiet_request_lines()

    @property
    def access_token_key(self) -> str:
        """The storage key: one token per 公众号 (the secret stays out of it)."""
        return f"wechat:{self.appid}:access_token"

    def token_params(self) -> dict[str, str]:
        """The token request's query: client_credential with the AppID and AppSecret."""
        return {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}


class WechatApi:
    """The 公众号 calls linli makes, async; one call at a time on the client."""

    def __init__(self, client: WechatClient):
        self.client = client
        self.call = SerialCalls("wechat").call

    async def send_text(self, openid: str, text: str) -> None:
        """A 客服消息 (custom message) of text to one follower."""
        await self.call(self.client.message.send_text, openid, text)

    async def send_template(self, openid: str, template_id: str, data: dict[str, Any],
                            url: str | None = None) -> None:
        """A 模板消息 to one follower, linking to url."""
        await self.call(self.client.message.send_template, openid, template_id, data, url=url)

    async def create_menu(self, menu: dict[str, Any]) -> None:
        """Replace the 公众号's custom menu."""
        await self.call(self.client.menu.create, menu)

    async def create_qrcode(self, scene: str) -> dict[str, Any]:
        """A permanent parametric QR code whose scan carries scene; WeChat's answer (ticket, url)."""
        data = {"action_name": "QR_LIMIT_STR_SCENE",
                "action_info": {"scene": {"scene_str": scene}}}
        return await self.call(self.client.qrcode.create, data)


def build_api(wechat: WeChat, db: Database) -> WechatApi:
    """The API facade from settings, its token kept in our database."""
    if not (wechat.app_id and wechat.app_secret.get_secret_value()):
        raise ValueError("wechat app_id and app_secret must be set (LINLI_WECHAT__*)")
    client = WechatClient(wechat.app_id, wechat.app_secret.get_secret_value(),
                          wechat.api_base_url, DbTokenStorage(db))
    return WechatApi(client)
