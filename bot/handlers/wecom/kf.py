"""WeCom 微信客服: any WeChat user writes to a customer-service account, linli answers with the same dialogs.

A callback only says that something arrived (Event kf_msg_or_event, a Token, an OpenKfId). linli pulls
with kf/sync_msg from the cursor kept in the database and saves it after each page; each customer
message is de-duplicated by its msgid, so a restart or a second worker neither loses nor repeats one.
Answers go by kf/send_msg, at most `kf_messages_per_window` within 48 h of the customer's last
message (counted in the database); the rest wait in the outbox, held until the customer writes again.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from bot.dialogs.engine import Dialogs
from bot.handlers.keyed_locks import KeyedLocks
from bot.handlers.wechatpy_base import error_kind
from bot.handlers.wecom.client import WecomApi, WecomApiError
from bot.handlers.wecom.render import reply_text, split_text
from bot.handlers.wecom.sender import RETRY_CODES, UNREACHABLE_CODES
from bot.messages import Incoming, Reply
from bot.settings import Settings
from scheduler.senders import HOLD, RETRY, SendError
from store.db import Database
from store.people import get_or_create_account
from store.wechat_window import account_quota, account_wrote
from store.wecom_kf import load_cursor, save_cursor

KF = "wecom_kf"             # channel and outbox target of 微信客服 customers
CUSTOMER = 3                # sync_msg origin: sent by the WeChat customer
SEP = "|"                   # external id: "<open_kfid>|<external_userid>"
HELD_NOTE = "微信客服 allows no more messages now (48-hour window or its 5 messages): waits for the next message"

log = logging.getLogger("linli.wecom")


def customer_id(open_kfid: str, user: str) -> str:
    """The channel account id of a customer of one 微信客服 account."""
    return f"{open_kfid}{SEP}{user}"


class KfLine:
    """Sends to 微信客服 customers within WeCom's quota; shared by the inbox and the outbox sender."""

    def __init__(self, api: WecomApi, db: Database, settings: Settings, clock):
        self.api = api
        self.db = db
        self.clock = clock
        self.lang = settings.general.language
        self.window = timedelta(hours=settings.wecom.kf_window_hours)
        self.limit = settings.wecom.kf_messages_per_window

    def _quota(self, external_id: str, count: int) -> bool:
        with self.db.session() as session:
            return account_quota(session, KF, external_id, count, self.clock.now(), self.window, self.limit)

    async def send(self, external_id: str, reply: Reply) -> bool:
        """Send one reply if the quota allows (False when it does not); WecomApiError on failure."""
        parts = split_text(reply_text(reply, self.lang))
        if not await asyncio.to_thread(self._quota, external_id, len(parts)):
            return False
        open_kfid, _, user = external_id.partition(SEP)
        for part in parts:
            await self.api.kf_send_text(open_kfid, user, part)
        return True


class KfSender:
    """The outbox sender of 微信客服 customers: within the quota, else held for their next message."""

    channel = KF

    def __init__(self, line: KfLine):
        self.line = line

    async def send(self, external_id: str, reply: Reply) -> None:
        """Deliver one reply; raises SendError (HOLD when WeCom allows no more now)."""
        try:
            sent = await self.line.send(external_id, reply)
        except WecomApiError as exc:
            raise SendError(error_kind(exc, RETRY_CODES, UNREACHABLE_CODES), str(exc)) from None
        if not sent:
            raise SendError(HOLD, HELD_NOTE)


class KfInbox:
    """Pulls a 微信客服 account's new messages and answers each customer message once."""

    def __init__(self, dialogs: Dialogs, line: KfLine):
        self.dialogs = dialogs
        self.db = dialogs.db
        self.line = line
        self._locks = KeyedLocks()

    async def pull(self, token: str, open_kfid: str) -> None:
        """Read and answer everything after the saved cursor, page by page."""
        async with self._locks.hold(open_kfid):  # one reader per account in this worker
            cursor = await asyncio.to_thread(self._load, open_kfid)
            while True:
                page = await self.line.api.kf_sync(token, open_kfid, cursor)
                for msg in page.get("msg_list") or []:
                    await self._answer(msg)
                cursor = str(page.get("next_cursor") or cursor)
                await asyncio.to_thread(self._save, open_kfid, cursor)
                if not page.get("has_more"):
                    return

    async def _answer(self, msg: dict[str, Any]) -> None:
        if int(msg.get("origin") or 0) != CUSTOMER or not msg.get("msgid"):
            return  # our own messages, staff replies and system events
        external_id = customer_id(str(msg.get("open_kfid") or ""), str(msg.get("external_userid") or ""))
        key = f"kf:{msg['msgid']}"
        if msg.get("msgtype") == "text":
            text = str((msg.get("text") or {}).get("content") or "")
            incoming = Incoming(KF, external_id, text=text, update_key=key)
        else:  # a picture, voice, file or location: answered with the current choices
            incoming = Incoming(KF, external_id, update_key=key, unreadable=True)
        done = await asyncio.to_thread(self.dialogs.take_turn, incoming)
        await asyncio.to_thread(self._wrote, external_id)

        async def send(reply: Reply) -> None:
            try:
                sent = await self.line.send(external_id, reply)
            except WecomApiError as exc:
                raise SendError(RETRY, str(exc)) from exc
            if not sent:  # over the limit: the tick's sender holds it for the next message
                raise SendError(RETRY, HELD_NOTE)

        await self.dialogs.deliver(done, send)

    def _load(self, open_kfid: str) -> str:
        with self.db.session() as session:
            return load_cursor(session, open_kfid)

    def _save(self, open_kfid: str, cursor: str) -> None:
        with self.db.session() as session:
            save_cursor(session, open_kfid, cursor, self.dialogs.clock.now())

    def _wrote(self, external_id: str) -> None:
        with self.db.session() as session:
            get_or_create_account(session, KF, external_id)  # a first message may be a picture
            account_wrote(session, KF, external_id, self.dialogs.clock.now())
