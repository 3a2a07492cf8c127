"""Calling the WeCom API: wechatpy's client on our token store, a per-member limiter, an async facade."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from wechatpy.enterprise import WeChatClient

from bot.handlers.pacing import SharedPace
from bot.handlers.wechatpy_base import (TIMEOUT_SECONDS, ApiError, SerialCalls, SharedToken,
                                        quiet_request_lines)
from bot.settings import WeCom
from store.db import Database
from store.send_pace import Bucket
from store.wecom_tokens import DbTokenStorage

log = logging.getLogger("linli.wecom")

WecomApiError = ApiError  # a failed WeCom call; the message never holds the token or the secret


class WecomClient(SharedToken, WeChatClient):
    """wechatpy's WeCom client with a configurable base URL and a token shared through storage."""

    token_path = "gettoken"

    def __init__(self, corp_id: str, secret: str, agent_id: int, api_base_url: str, storage,
                 timeout: float = TIMEOUT_SECONDS):
        self.agent_id = agent_id
        super().__init__(corp_id, secret, session=storage, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = f"{api_base_url.rstrip('/')}/cgi-bin/"
        quiet_request_lines()

    @property
    def access_token_key(self) -> str:
        """The storage key: one token per application (the secret stays out of it)."""
        return f"wecom:{self.corp_id}:{self.agent_id}:access_token"

    def token_params(self) -> dict[str, str]:
        """gettoken's query: the corp id and the application secret."""
        return {"corpid": self.corp_id, "corpsecret": self.secret}


class MemberRateLimiter:
    """At most `limit` messages to one member in any `period` seconds; the next one waits its turn.

    This worker counts in memory; with `shared` every worker also books the member's bucket in
    the database. That bucket lets half the limit go at once and then one every
    period / (limit / 2) seconds, which keeps any `period` under `limit` for all workers together
    (a virtual-time bucket cannot follow a sliding window exactly; 15 at once, then one every
    4 s is plenty for one person)."""

    def __init__(self, limit: int = 30, period: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 shared: SharedPace | None = None):
        self.limit = limit
        self.period = period
        self.clock = clock
        self.sleep = sleep
        self.shared = shared
        half = max(1, limit // 2)
        self._interval, self._burst = period / half, float(half)
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
            if self.shared is not None:  # inside the member's lock: this worker books in order
                bucket = Bucket(f"wecom:member:{member}", self._interval, self._burst,
                                ahead=float("inf"))
                waited += await self.shared.acquire([bucket])
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
        self.call = SerialCalls("wecom").call

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

    async def create_menu(self, spec: dict[str, Any]) -> None:
        """Replace the application's custom menu (wechatpy's menu API)."""
        await self.call(self.client.menu.create, self.agent_id, spec)

    async def kf_sync(self, token: str, open_kfid: str, cursor: str) -> dict[str, Any]:
        """One page of a 微信客服 account's messages after cursor (token: the callback's)."""
        data = {"token": token, "open_kfid": open_kfid, "limit": 1000}
        if cursor:
            data["cursor"] = cursor
        return await self.call(self.client.post, "kf/sync_msg", data=data)

    async def kf_send_text(self, open_kfid: str, user: str, text: str) -> None:
        """A text message from a 微信客服 account to a WeChat user."""
        data = {"touser": user, "open_kfid": open_kfid, "msgtype": "text", "text": {"content": text}}
        await self.call(self.client.post, "kf/send_msg", data=data)

    async def groupchat_list(self, owners: list[str], cursor: str = "") -> dict[str, Any]:
        """One page of the customer groups the given members own."""
        return await self.call(self.client.external_contact_group_chat.list, 0, owners, cursor or None, 1000)

    async def groupchat_get(self, chat_id: str) -> dict[str, Any]:
        """A customer group's details: name, owner, members."""
        result = await self.call(self.client.external_contact_group_chat.get, chat_id)
        return (result or {}).get("group_chat") or {}

    async def add_group_msg_task(self, sender: str, chat_ids: list[str], text: str) -> dict[str, Any]:
        """A 群发 task to some of a member's customer groups; the member confirms it in WeCom."""
        template = {"chat_type": "group", "sender": sender, "chat_id_list": list(chat_ids),
                    "allow_select": False, "text": {"content": text}}
        return await self.call(self.client.external_contact.add_msg_template, template)

    async def group_msg_results(self, msgid: str, sender: str, cursor: str = "") -> dict[str, Any]:
        """One page of what became of a 群发 task in each group (get_groupmsg_send_result)."""
        # wechatpy 1.8.18 has only the retired get_group_msg_result; the current call goes through post.
        data = {"msgid": msgid, "userid": sender, "limit": 1000}
        if cursor:
            data["cursor"] = cursor
        return await self.call(self.client.post, "externalcontact/get_groupmsg_send_result", data=data)

    async def add_contact_way(self, user: str, state: str, remark: str = "") -> dict[str, Any]:
        """A 联系我 QR code of one member; state comes back with everyone who adds them by it."""
        return await self.call(self.client.external_contact.add_contact_way, 1, 2, remark=remark[:30] or None,
                               skip_verify=True, state=state, user=[user])

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
    return WecomApi(client, limiter or MemberRateLimiter(wecom.per_member_per_minute,
                                                         shared=SharedPace(db)))
