"""Calling the WeCom API: wechatpy's client on our token store, a per-member limiter, an async facade."""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import requests
from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.settings import WeCom
from store.db import Database
from store.wecom_tokens import DbTokenStorage

TOKEN_ERRORS = (40014, 42001)  # invalid / expired access token: fetch a new one, try once more
TIMEOUT_SECONDS = 10

log = logging.getLogger("linli.wecom")


class WecomApiError(Exception):
    """A failed WeCom call; the message never holds the token or the secret."""

    def __init__(self, code: int | None, message: str, status: int | None = None,
                 network: bool = False):
        super().__init__(message)
        self.code = code
        self.status = status
        self.network = network


def as_api_error(exc: BaseException) -> WecomApiError:
    """Any error of a call as a WecomApiError (request URLs carry the token: they are left out)."""
    if isinstance(exc, WecomApiError):
        return exc
    if isinstance(exc, WeChatClientException):
        status = getattr(exc.response, "status_code", None)
        if exc.errcode is None:
            return WecomApiError(None, f"http {status}", status)
        return WecomApiError(int(exc.errcode), f"wecom {exc.errcode}: {str(exc.errmsg)[:200]}", status)
    if isinstance(exc, requests.RequestException):
        return WecomApiError(None, f"network: {type(exc).__name__}", network=True)
    return WecomApiError(None, f"error: {type(exc).__name__}")


class WecomClient(WeChatClient):
    """wechatpy's WeCom client with a configurable base URL and a token shared through storage."""

    def __init__(self, corp_id: str, secret: str, agent_id: int, api_base_url: str, storage,
                 timeout: float = TIMEOUT_SECONDS):
        self.agent_id = agent_id
        super().__init__(corp_id, secret, session=storage, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = f"{api_base_url.rstrip('/')}/cgi-bin/"
        # urllib3 logs request lines at DEBUG, and gettoken's line holds the secret.
        logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)

    @property
    def access_token_key(self) -> str:
        """The storage key: one token per application (the secret stays out of it)."""
        return f"wecom:{self.corp_id}:{self.agent_id}:access_token"

    @property
    def access_token(self) -> str:
        """The shared token; fetched when the storage has none that is still good."""
        token = self.session.get(self.access_token_key)
        if token:
            return token
        self.fetch_access_token()
        return self.session.get(self.access_token_key)

    def fetch_access_token(self) -> dict[str, Any]:
        """Get a new token from {base}/cgi-bin/gettoken and store it with its lifetime."""
        res = self._http.get(self.API_BASE_URL + "gettoken", timeout=self.timeout,
                             params={"corpid": self.corp_id, "corpsecret": self.secret})
        try:
            res.raise_for_status()
        except requests.RequestException as exc:
            raise WeChatClientException(None, None, client=self, request=exc.request,
                                        response=exc.response) from None
        result = res.json()
        if result.get("errcode", 0) != 0:
            raise WeChatClientException(result["errcode"], result.get("errmsg", ""), client=self,
                                        request=res.request, response=res)
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return result

    def _request(self, method, url_or_endpoint, **kwargs):
        attempt = self._attempt(kwargs)
        try:
            return super()._request(method, url_or_endpoint, **attempt)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            self._refresh_token(attempt["params"].get("access_token"))
        return super()._request(method, url_or_endpoint, **self._attempt(kwargs))

    @staticmethod
    def _attempt(kwargs: dict[str, Any]) -> dict[str, Any]:
        # wechatpy writes the token into params and encodes data in place: give each try its own.
        return dict(kwargs, params=dict(kwargs.get("params") or {}))

    def _refresh_token(self, used: str | None) -> None:
        current = self.session.get(self.access_token_key)
        if current and current != used:
            return  # another worker has already put a new token in the store
        self.session.delete(self.access_token_key)
        log.info("wecom access token refused, fetching a new one")
        self.fetch_access_token()


class MemberRateLimiter:
    """At most `limit` messages to one member in any `period` seconds; the next one waits its turn."""

    def __init__(self, limit: int = 30, period: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep):
        self.limit = limit
        self.period = period
        self.clock = clock
        self.sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, member: str) -> float:
        """Wait until member may get one more message; returns the seconds waited."""
        lock = self._locks.setdefault(member, asyncio.Lock())
        waited = 0.0
        async with lock:
            while True:
                now = self.clock()
                sent = self._sent.setdefault(member, deque())
                while sent and sent[0] <= now - self.period:
                    sent.popleft()
                if len(sent) < self.limit:
                    sent.append(now)
                    break
                pause = sent[0] + self.period - now
                waited += pause
                await self.sleep(pause)
        self._forget_idle(self.clock())
        return waited

    def _forget_idle(self, now: float) -> None:
        if len(self._sent) < 1000:
            return
        for member in [m for m, sent in self._sent.items() if not sent or sent[-1] <= now - self.period]:
            lock = self._locks.get(member)
            if lock is None or not lock.locked():
                self._sent.pop(member, None)
                self._locks.pop(member, None)


class WecomApi:
    """The WeCom calls linli makes, async; one call at a time on the client, rate-limited per member."""

    def __init__(self, client: WecomClient, limiter: MemberRateLimiter | None = None):
        self.client = client
        self.agent_id = client.agent_id
        self.limiter = limiter
        self._queue: asyncio.Lock | None = None
        self._thread_lock = threading.Lock()  # also holds if an awaiting caller is cancelled

    async def call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one synchronous client call in a thread, after the calls before it."""
        if self._queue is None:
            self._queue = asyncio.Lock()
        async with self._queue:
            try:
                return await asyncio.to_thread(self._locked, func, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                raise as_api_error(exc) from None

    def _locked(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self._thread_lock:
            return func(*args, **kwargs)

    async def _limit(self, user: str) -> None:
        if self.limiter is not None:
            await self.limiter.acquire(user)

    @staticmethod
    def _check_delivered(user: str, result: Any) -> None:
        # WeCom answers 0 for a recipient outside the app's visible range and lists it here.
        invalid = str((result or {}).get("invaliduser") or "")
        if user in invalid.split("|"):
            raise WecomApiError(81013, "wecom 81013: invaliduser")

    async def send_text(self, user: str, text: str) -> None:
        """An application text message to one member."""
        await self._limit(user)
        result = await self.call(self.client.message.send_text, self.agent_id, user, text)
        self._check_delivered(user, result)

    async def send_card(self, user: str, card: dict[str, Any]) -> str | None:
        """A template card to one member; returns WeCom's response_code when it gives one."""
        await self._limit(user)
        msg = {"msgtype": "template_card", "template_card": card}
        result = await self.call(self.client.message.send, self.agent_id, user, msg=msg)
        self._check_delivered(user, result)
        return (result or {}).get("response_code")

    async def update_card(self, users: Iterable[str], response_code: str, replace_name: str) -> None:
        """Turn a clicked card's buttons into one grey button reading replace_name."""
        data = {"userids": list(users), "agentid": self.agent_id, "response_code": response_code,
                "button": {"replace_name": replace_name}}
        await self.call(self.client.post, "message/update_template_card", data=data)

    async def appchat_create(self, chat_id: str, name: str, owner: str, users: Iterable[str]) -> str:
        """Create a group chat; returns its chat id."""
        result = await self.call(self.client.appchat.create, chat_id=chat_id, name=name,
                                 owner=owner, user_list=list(users))
        return (result or {}).get("chatid") or chat_id

    async def appchat_send_text(self, chat_id: str, text: str) -> None:
        """A text message to a group chat."""
        await self.call(self.client.appchat.send_text, chat_id, text)


def build_api(wecom: WeCom, db: Database, limiter: MemberRateLimiter | None = None) -> WecomApi:
    """The API facade from settings, its token kept in our database."""
    if not (wecom.corp_id and wecom.agent_id and wecom.secret.get_secret_value()):
        raise ValueError("wecom corp_id, agent_id and secret must be set (LINLI_WECOM__*)")
    client = WecomClient(wecom.corp_id, wecom.secret.get_secret_value(), int(wecom.agent_id),
                         wecom.api_base_url, DbTokenStorage(db))
    return WecomApi(client, limiter or MemberRateLimiter(wecom.per_member_per_minute))
