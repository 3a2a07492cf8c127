"""A local fake of the 公众号 API (api.weixin.qq.com) with the behaviour our tests lean on.

Its OAuth side (网页授权) plays WeChat's browser: the authorize page at
`oauth_url` sends the browser back to the redirect URI with a one-time code for the follower
named by `signed_in(openid)`, and `sns/oauth2/access_token` exchanges that code for the openid.

It keeps WeChat's 48-hour rule when told when a follower last wrote (`wrote`): a 客服消息 outside
the window is refused with 45015. Text over 2048 bytes is refused with 45002, template ids it does
not know with 40037.
"""
from __future__ import annotations

import asyncio
import secrets
from urllib.parse import urlencode
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.local_server import LocalServer

OK = {"errcode": 0, "errmsg": "ok"}
WINDOW_SECONDS = 48 * 3600
TEXT_BYTES_MAX = 2048


class FakeWechatApi(LocalServer):
    """Runs on 127.0.0.1 on a free port; `base_url` is what settings.wechat.api_base_url takes."""

    def __init__(self, app_id: str = "wxfakeapp000001", secret: str = "fake-app-secret",
                 templates: set[str] | None = None, clock: Callable[[], float] = time.time):
        self.app_id, self.secret = app_id, secret
        self.templates = templates or set()
        self.clock = clock
        self.tokens: list[str] = []
        self.token_calls = 0
        self.custom: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.template_sent: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.menus: list[dict[str, Any]] = []
        self.qrcodes: list[dict[str, Any]] = []
        self.last_wrote: dict[str, float] = {}   # openid → when they last wrote (window check on)
        self.fail_next: dict[str, list[int]] = defaultdict(list)  # path → errcodes to answer
        self.follower: str | None = None       # who is signed in to WeChat in the browser
        self.codes: dict[str, str] = {}        # OAuth code → openid, each used once
        self.authorized: list[dict[str, str]] = []  # the authorize requests, their query

    # ---- control from tests -------------------------------------------------------------
    def wrote(self, openid: str, at: float) -> None:
        """The follower wrote at `at` (epoch seconds): the window check applies to them."""
        self.last_wrote[openid] = at

    def signed_in(self, openid: str) -> None:
        """The WeChat user in the browser: the authorize page answers for them."""
        self.follower = openid

    @property
    def oauth_url(self) -> str:
        """What settings.wechat.oauth_base_url takes (the authorize page is under /connect/)."""
        return self.base_url

    def texts(self, openid: str) -> list[str]:
        """Text 客服消息 delivered to a follower, in order."""
        return [m["text"]["content"] for m in self.custom[openid] if m.get("msgtype") == "text"]

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll condition until true or fail after timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError(f"condition not met within {timeout}s; custom={dict(self.custom)}"
                                     f" templates={dict(self.template_sent)}")
            await asyncio.sleep(0.02)

    # ---- server -------------------------------------------------------------------------
    def routes(self, app: web.Application) -> None:
        """The endpoints our code calls."""
        app.router.add_get("/cgi-bin/token", self.token)
        app.router.add_post("/cgi-bin/message/custom/send", self.custom_send)
        app.router.add_post("/cgi-bin/message/template/send", self.template_send)
        app.router.add_post("/cgi-bin/menu/create", self.menu_create)
        app.router.add_post("/cgi-bin/qrcode/create", self.qrcode_create)
        app.router.add_get("/connect/oauth2/authorize", self.authorize)
        app.router.add_get("/sns/oauth2/access_token", self.oauth_token)

    async def authorize(self, request: web.Request) -> web.Response:
        """WeChat's authorize page, silent for snsapi_base: back to redirect_uri with code and state."""
        q = request.query
        self.authorized.append(dict(q))
        if q.get("appid") != self.app_id or q.get("response_type") != "code" \
                or q.get("scope") != "snsapi_base" or not q.get("redirect_uri") or self.follower is None:
            return web.Response(status=400, text="bad authorize request")
        code = secrets.token_hex(16)
        self.codes[code] = self.follower
        target = q["redirect_uri"]
        back = urlencode({"code": code, "state": q.get("state", "")})
        return web.Response(status=302, headers={"Location": target + ("&" if "?" in target else "?") + back})

    async def oauth_token(self, request: web.Request) -> web.Response:
        """The code for the follower's openid (once); 40029 for an unknown or used code."""
        q = request.query
        if q.get("appid") != self.app_id or q.get("secret") != self.secret \
                or q.get("grant_type") != "authorization_code":
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        if self.fail_next["sns/oauth2/access_token"]:
            code = self.fail_next["sns/oauth2/access_token"].pop(0)
            return web.json_response({"errcode": code, "errmsg": f"injected {code}"})
        openid = self.codes.pop(q.get("code", ""), None)
        if openid is None:
            return web.json_response({"errcode": 40029, "errmsg": "invalid code"})
        return web.json_response({"access_token": secrets.token_urlsafe(24), "expires_in": 7200,
                                  "refresh_token": secrets.token_urlsafe(24), "openid": openid,
                                  "scope": "snsapi_base"})

    async def token(self, request: web.Request) -> web.Response:
        self.token_calls += 1
        q = request.query
        if (q.get("grant_type") != "client_credential" or q.get("appid") != self.app_id
                or q.get("secret") != self.secret):
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        token = secrets.token_urlsafe(24)
        self.tokens.append(token)
        return web.json_response({"access_token": token, "expires_in": 7200})

    def _error(self, request: web.Request, path: str) -> dict[str, Any] | None:
        if request.query.get("access_token", "") not in self.tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if self.fail_next[path]:
            code = self.fail_next[path].pop(0)
            return {"errcode": code, "errmsg": f"injected {code}"}
        return None

    async def custom_send(self, request: web.Request) -> web.Response:
        error = self._error(request, "message/custom/send")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        openid = data.get("touser", "")
        wrote = self.last_wrote.get(openid)
        if wrote is not None and self.clock() - wrote > WINDOW_SECONDS:
            return web.json_response({"errcode": 45015, "errmsg": "response out of time limit"})
        if len(data.get("text", {}).get("content", "").encode("utf-8")) > TEXT_BYTES_MAX:
            return web.json_response({"errcode": 45002, "errmsg": "content size out of limit"})
        self.custom[openid].append(data)
        return web.json_response(OK)

    async def template_send(self, request: web.Request) -> web.Response:
        error = self._error(request, "message/template/send")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        if data.get("template_id") not in self.templates:
            return web.json_response({"errcode": 40037, "errmsg": "invalid template_id"})
        self.template_sent[data.get("touser", "")].append(data)
        return web.json_response({**OK, "msgid": secrets.randbelow(10 ** 12)})

    async def menu_create(self, request: web.Request) -> web.Response:
        error = self._error(request, "menu/create")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        buttons = data.get("button") or []
        if not 1 <= len(buttons) <= 3 or any(len(b.get("sub_button") or []) > 5 for b in buttons):
            return web.json_response({"errcode": 40017, "errmsg": "invalid button size"})
        self.menus.append(data)
        return web.json_response(OK)

    async def qrcode_create(self, request: web.Request) -> web.Response:
        error = self._error(request, "qrcode/create")
        if error:
            return web.json_response(error)
        data = await self._json(request)
        scene = data.get("action_info", {}).get("scene", {}).get("scene_str", "")
        if not 1 <= len(scene) <= 64:
            return web.json_response({"errcode": 40097, "errmsg": "invalid args"})
        ticket = secrets.token_urlsafe(32)
        self.qrcodes.append({**data, "ticket": ticket})
        return web.json_response({"ticket": ticket, "url": f"http://weixin.qq.com/q/{ticket[:22]}"})
