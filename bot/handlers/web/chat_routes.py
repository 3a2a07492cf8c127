"""The web chat: the page at / and its JSON API, translated to and from the dialogs."""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.dialogs.engine import Dialogs
from bot.messages import Incoming, Reply
from bot.privacy import scrub
from bot.settings import Settings
from bot.texts import t
from bot.handlers.web.api import ApiError, PageMessage, parse_message, parse_opening, read_json, reply_json, row_json
from bot.handlers.web.deeplink import start_payload
from bot.handlers.web.limits import SlidingWindow
from bot.handlers.web.session import (Identity, account_key, client_address, identify, is_https, read_token,
                                     rotated, set_token_cookie)
from bot.handlers.web.wechat_login import CALLBACK_PATH, WechatLogin, opened_in_wechat
from store.outbox_claims import mark_sent_many
from store.models.web import SAID
from store.people import find_account
from store.web_inbox import answers_to, fetch_history, record_turn

CHANNEL = "web"
STATIC = Path(__file__).parent / "static"
HISTORY_LIMIT = 60
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml"}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}

log = logging.getLogger("linli.web")
_dumps = partial(json.dumps, ensure_ascii=False)

Work = Callable[[web.Request, str], Awaitable[dict[str, Any]]]


class WebChat:
    """The handlers of the page and its API; rate limits are counted in this worker only."""

    def __init__(self, dialogs: Dialogs, settings: Settings):
        self.dialogs = dialogs
        self.settings = settings
        self.lang = settings.general.language
        conf = settings.web
        self.trust_forwarded = conf.trust_forwarded
        self.cookie_secure = conf.cookie_secure
        # The address limit is looser: many residents may share one (a centre's Wi-Fi, a carrier's NAT).
        self.per_session = SlidingWindow(conf.rate_per_session, conf.rate_window_seconds)
        self.per_address = SlidingWindow(conf.rate_per_address, conf.rate_window_seconds)
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}
        self.login = WechatLogin.from_settings(settings, dialogs.db, dialogs.clock.now)
        # The input stops where the server would refuse: the page carries the limit.
        self.page_html = (STATIC / "index.html").read_text(encoding="utf-8").replace(
            "{max_text}", str(settings.dialogs.max_text_length))

    # -- the page ---------------------------------------------------------------------------

    async def page(self, request: web.Request) -> web.StreamResponse:
        """The chat page; a first visit gets its session cookie here, inside WeChat it signs in first."""
        secure = self._secure(request)
        presented = read_token(request, secure)
        if self.login is not None and opened_in_wechat(request):
            try:
                known = await asyncio.to_thread(self.login.knows_follower, presented)
            except Exception:  # noqa: BLE001  (the page still opens, as a page outside WeChat would)
                log.exception("web chat sign-in check failed")
                known = True
            if not known:
                return self.login.to_authorize(request, secure)
        response = web.Response(text=self.page_html, content_type="text/html", charset="utf-8",
                                headers=PAGE_HEADERS)
        try:
            identity = await asyncio.to_thread(self._identify, presented, secure)
        except Exception:  # noqa: BLE001  (the page still opens; its first call gets the session)
            log.exception("web chat session not issued")
            return response
        if identity.give_cookie:
            set_token_cookie(response, identity.token, secure)
        return response

    async def wechat_signed_in(self, request: web.Request) -> web.StreamResponse:
        """WeChat sends the browser back here after signing in (CALLBACK_PATH)."""
        if self.login is None:
            raise web.HTTPNotFound()
        if not self.per_address.allow(client_address(request, self.trust_forwarded)):
            return self.login.failed(429)  # each try costs a call to WeChat
        secure = self._secure(request)
        return await self.login.come_back(request, read_token(request, secure), secure)

    async def static(self, request: web.Request) -> web.StreamResponse:
        """The page's own script, style and pictures (nothing else in the folder is reachable)."""
        path = STATIC / request.match_info["name"]
        if path.name != request.match_info["name"] or path.suffix not in CONTENT_TYPES \
                or path.suffix == ".html" or not path.is_file():  # the page itself is only at /
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Content-Type": CONTENT_TYPES[path.suffix],
                                               "Cache-Control": "no-cache",
                                               "X-Content-Type-Options": "nosniff"})

    # -- the API ----------------------------------------------------------------------------

    async def opening(self, request: web.Request) -> web.Response:
        """The page opens: the greeting, or the course its link points at."""
        return await self._guarded(request, self._opening)

    async def message(self, request: web.Request) -> web.Response:
        """Typed text or a pressed choice; answers with the bot's replies."""
        return await self._guarded(request, self._message)

    async def history(self, request: web.Request) -> web.Response:
        """The recent conversation and pushes that came while the page was closed."""
        return await self._guarded(request, self._history, count=False)

    async def _opening(self, request: web.Request, key: str) -> dict[str, Any]:
        data = await read_json(request, self.lang)
        message_id, start = parse_opening(data, self.lang)
        payload = start_payload(start)
        incoming = Incoming(CHANNEL, key, text="" if payload else "/start", payload=payload,
                            update_key=f"{key[:32]}:{message_id}")
        return await self._turn(key, PageMessage(message_id), incoming)

    async def _message(self, request: web.Request, key: str) -> dict[str, Any]:
        data = await read_json(request, self.lang)
        said = parse_message(data, self.settings.dialogs.max_text_length, self.lang)
        incoming = Incoming(CHANNEL, key, text=said.text, payload=said.payload,
                            update_key=f"{key[:32]}:{said.message_id}")
        return await self._turn(key, said, incoming)

    async def _history(self, request: web.Request, key: str) -> dict[str, Any]:
        after = request.query.get("after", "0")
        after_id = int(after) if after.isascii() and after.isdigit() and len(after) < 18 else 0  # not ² or ①
        messages = await asyncio.to_thread(self._read_history, key, after_id)
        return {"messages": messages}

    # -- plumbing ---------------------------------------------------------------------------

    async def _guarded(self, request: web.Request, work: Work, count: bool = True) -> web.Response:
        """Identity, rate limits and errors around one API call (count: a turn, not a history read)."""
        secure = self._secure(request)
        presented = read_token(request, secure)
        identity = None
        try:
            if count:
                self._check_rate(request, account_key(presented.token) if presented else None)
            # A history read racing the answer that rotated this token must not swap the
            # browser's new cookie for an empty session: an unknown token just gets 401 there.
            identity = await asyncio.to_thread(self._identify, presented, secure, count)
            if identity is None or (count and (presented is None or identity.refused)):
                # The page always has its cookie; a caller without one (or with one we never
                # issued) would make a new resident with every message. It gets a cookie now
                # and may send again.
                raise ApiError(401, t("web_no_session", self.lang))
            status, body = 200, await work(request, identity.key)
            if count:
                identity = await asyncio.to_thread(self._rotated, identity)
        except ApiError as exc:
            status, body = exc.status, {"error": exc.text}
        except Exception:  # noqa: BLE001  (the page gets a sentence, the log gets the traceback)
            log.exception("web chat request failed path=%s", request.path)
            status, body = 500, {"error": t("busy", self.lang)}
        response = web.json_response(body, status=status, dumps=_dumps,
                                     headers={"Cache-Control": "no-store"})
        if status == 429:
            response.headers["Retry-After"] = str(max(1, round(self.per_session.window)))
        if identity is not None and identity.give_cookie:
            set_token_cookie(response, identity.token, secure)
        return response

    def _identify(self, presented, secure: bool, replace_refused: bool = True) -> Identity | None:
        return identify(self.dialogs.db, presented, secure, self.dialogs.clock.now(), replace_refused)

    def _rotated(self, identity: Identity) -> Identity:
        # The turn may have linked accounts (绑定账号): then this answer already carries the new token.
        try:
            return rotated(self.dialogs.db, identity, self.dialogs.clock.now())
        except Exception:  # noqa: BLE001  (the turn is done; the mark stays and the next call rotates)
            log.exception("web chat session not rotated")
            return identity

    def _check_rate(self, request: web.Request, key: str | None) -> None:
        address = client_address(request, self.trust_forwarded)
        if not self.per_address.allow(address) or (key is not None and not self.per_session.allow(key)):
            raise ApiError(429, t("web_too_fast", self.lang))

    def _secure(self, request: web.Request) -> bool:
        return self.cookie_secure or is_https(request, self.trust_forwarded)

    async def _turn(self, key: str, said: PageMessage, incoming: Incoming) -> dict[str, Any]:
        # One session's messages run in order, as they would in a chat app.
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                return await asyncio.to_thread(self._exchange, key, said, incoming)
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    def _exchange(self, key: str, said: PageMessage, incoming: Incoming) -> dict[str, Any]:
        """Run the dialogs, then keep the turn for the page's history and mark its replies sent.

        If this worker dies before that, the replies' outbox rows reach the history by the tick."""
        turn = self.dialogs.take_turn(incoming)
        replies = turn.replies
        try:
            with self.dialogs.db.session() as session:
                mark_sent_many(session, turn.owed, self.dialogs.worker_id, self.dialogs.clock.now())
                account = find_account(session, CHANNEL, key)
                if account is None:
                    return _answer(replies)
                if not replies:  # a message sent twice: answer with what the first one got
                    rows = answers_to(session, account.id, said.message_id)
                    return {"replies": [row_json(r) for r in rows], "duplicate": True}
                # A phone number typed (an order's contact) is kept in the history masked.
                rows = record_turn(session, account.id, said.message_id, scrub(said.shown) or None,
                                   [r.to_dict() for r in replies])
                return {"replies": [row_json(r) for r in rows if r.kind != SAID],
                        "said_id": next((r.id for r in rows if r.kind == SAID), None),
                        "duplicate": False}
        except Exception:  # noqa: BLE001  (the answer matters more than its copy in the history)
            log.exception("web chat history not saved")
            return _answer(replies)

    def _read_history(self, key: str, after_id: int) -> list[dict[str, Any]]:
        with self.dialogs.db.session() as session:
            account = find_account(session, CHANNEL, key)
            if account is None:
                return []
            rows = fetch_history(session, account.id, after_id, HISTORY_LIMIT)
            return [row_json(row) for row in rows]


WEBCHAT = web.AppKey("webchat", WebChat)


def _answer(replies: list[Reply]) -> dict[str, Any]:
    return {"replies": [{"from": "bot", **reply_json(r.to_dict())} for r in replies],
            "duplicate": not replies}


def setup_webchat_routes(app: web.Application, dialogs: Dialogs, settings: Settings) -> None:
    """Serve the chat page at / and its API under /api/ on an aiohttp application."""
    chat = WebChat(dialogs, settings)
    app[WEBCHAT] = chat
    app.router.add_get("/", chat.page)
    app.router.add_get("/static/{name}", chat.static)
    app.router.add_get(CALLBACK_PATH, chat.wechat_signed_in)
    app.router.add_post("/api/start", chat.opening)
    app.router.add_post("/api/message", chat.message)
    app.router.add_get("/api/history", chat.history)
