"""The web page opened inside WeChat signs in with the 公众号's OAuth (snsapi_base).

A page request from WeChat (its browser says MicroMessenger, or our 公众号 links carry
?from=wechat) whose session does not know a follower is sent to WeChat's authorize URL with a
signed state; WeChat sends the browser back to CALLBACK_PATH with a code, which we exchange for
the follower's openid. The browser then gets a new session that belongs to the same resident as
the follower's `wechat` account: one person, their own sign-ups on the page.
"""
from __future__ import annotations

import asyncio
import html
import logging
import re
import time

from aiohttp import web
from wechatpy.oauth import WeChatOAuth

from bot.handlers.web.deeplink import start_payload
from bot.handlers.web.oauth_state import TTL_SECONDS, check_state, make_state, new_nonce, signing_key
from bot.handlers.web.session import Presented, account_key, new_token, set_token_cookie
from bot.handlers.wechatpy_base import TIMEOUT_SECONDS
from bot.settings import Settings
from bot.texts import t
from store.db import Database
from store.web_login import sign_in, signed_in_as

CALLBACK_PATH = "/wechat/oauth"
FOLLOWER = "wechat"  # the 公众号 channel's account kind (channels share names, never code)
NONCE_COOKIE, SECURE_NONCE_COOKIE = "linli_oauth", "__Host-linli_oauth"
_OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'self'; base-uri 'none'; "
                                       "frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store"}

log = logging.getLogger("linli.web.wechat_login")


def opened_in_wechat(request: web.Request) -> bool:
    """True for WeChat's own browser, or a link from our 公众号 (?from=wechat).

    WeCom's browser also says MicroMessenger (and wxwork); the 公众号's sign-in does not work there."""
    agent = request.headers.get("User-Agent", "")
    if request.query.get("from") == "wechat":
        return True
    return "MicroMessenger" in agent and "wxwork" not in agent.lower()


class SnsapiBase(WeChatOAuth):
    """wechatpy's OAuth with base URLs from settings and a timeout on every call."""

    def __init__(self, app_id: str, secret: str, redirect_uri: str, state: str, api_base_url: str,
                 oauth_base_url: str):
        super().__init__(app_id, secret, redirect_uri, scope="snsapi_base", state=state)
        self.API_BASE_URL = f"{api_base_url.rstrip('/')}/"
        self.OAUTH_BASE_URL = f"{oauth_base_url.rstrip('/')}/connect/"

    def _request(self, method, url_or_endpoint, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super()._request(method, url_or_endpoint, **kwargs)


class WechatLogin:
    """Sending a WeChat browser to sign in, and taking it back with its follower's session."""

    def __init__(self, settings: Settings, db: Database, now):
        wechat = settings.wechat
        self.settings, self.db, self.now = settings, db, now
        self.app_id, self.secret = wechat.app_id, wechat.app_secret.get_secret_value()
        self.key = signing_key(self.secret)
        self.lang = settings.general.language
        self.public_url = settings.web.public_url.rstrip("/")

    @classmethod
    def from_settings(cls, settings: Settings, db: Database, now) -> "WechatLogin | None":
        """The sign-in when the 公众号 is configured, else None (the page then stays anonymous)."""
        if not (settings.wechat.app_id and settings.wechat.app_secret.get_secret_value()):
            return None
        return cls(settings, db, now)

    def knows_follower(self, presented: Presented | None) -> bool:
        """True when the browser's session already speaks for a follower of the 公众号."""
        if presented is None:
            return False
        with self.db.session() as session:
            return signed_in_as(session, account_key(presented.token), FOLLOWER)

    def _oauth(self, state: str = "", start: str | None = None) -> SnsapiBase:
        redirect = self.public_url + CALLBACK_PATH + (f"?start={start}" if start_payload(start) else "")
        wechat = self.settings.wechat
        return SnsapiBase(self.app_id, self.secret, redirect, state, wechat.api_base_url, wechat.oauth_base_url)

    def to_authorize(self, request: web.Request, secure: bool) -> web.Response:
        """A redirect to WeChat's authorize page; the browser keeps the state's nonce in a cookie."""
        nonce = new_nonce()
        state = make_state(self.key, nonce, int(time.time()))
        url = self._oauth(state, request.query.get("start")).authorize_url
        response = web.Response(status=302, headers={"Location": url, "Cache-Control": "no-store"})
        response.set_cookie(SECURE_NONCE_COOKIE if secure else NONCE_COOKIE, nonce, max_age=TTL_SECONDS,
                            path="/", httponly=True, samesite="Lax", secure=secure)
        return response

    async def come_back(self, request: web.Request, presented: Presented | None, secure: bool) -> web.Response:
        """WeChat's redirect with code and state: the follower's session, or a page saying it failed."""
        nonce = request.cookies.get(SECURE_NONCE_COOKIE if secure else NONCE_COOKIE)
        if not check_state(self.key, request.query.get("state"), nonce, int(time.time())):
            log.warning("wechat sign-in refused: state missing, forged or stale")
            return self.failed(400)
        code = request.query.get("code", "")
        if not code or len(code) > 256 or not code.isascii() or not code.isprintable():
            return self.failed(400)
        try:
            answer = await asyncio.to_thread(self._oauth().fetch_access_token, code)
            openid = str(answer.get("openid", ""))
        except Exception as exc:  # noqa: BLE001  (a refused code or WeChat unreachable: the resident just retries)
            log.warning("wechat sign-in failed: %s", type(exc).__name__)
            return self.failed(502)
        if not _OPENID.match(openid):
            log.warning("wechat sign-in failed: no usable openid")
            return self.failed(502)
        token = new_token()
        old = account_key(presented.token) if presented else None
        await asyncio.to_thread(self._sign_in, old, account_key(token), openid)
        start = request.query.get("start")
        target = "/" + (f"?start={start}" if start_payload(start) else "")
        response = web.Response(status=302, headers={"Location": target, "Cache-Control": "no-store"})
        set_token_cookie(response, token, secure)
        response.del_cookie(SECURE_NONCE_COOKIE if secure else NONCE_COOKIE, path="/")
        return response

    def _sign_in(self, old_hash: str | None, new_hash: str, openid: str) -> None:
        with self.db.session() as session:
            sign_in(session, old_hash, new_hash, FOLLOWER, openid, self.now())

    def failed(self, status: int) -> web.Response:
        """A short page saying the sign-in did not work, with a link to try again."""
        body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<title>{html.escape(t("web_title", self.lang))}</title>'
                f'<link rel="stylesheet" href="/static/style.css"></head><body class="failed-page">'
                f'<p>{html.escape(t("web_login_failed", self.lang))}</p>'
                f'<p><a href="/?from=wechat">{html.escape(t("web_login_again", self.lang))}</a></p>'
                f'</body></html>')
        return web.Response(status=status, text=body, content_type="text/html", charset="utf-8",
                            headers=_HEADERS)
