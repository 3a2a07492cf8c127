"""The 公众号 callback: signed (and in 安全模式 encrypted) XML in, an answer within WeChat's 5 seconds.

GET is WeChat's URL check: a good signature gets the echostr back. A POST is checked, decrypted,
stored in the inbox (503 when it cannot be: WeChat sends it again), de-duplicated and run through
the dialogs; a turn that fails is tried again from its row (bot/handlers/inbox.py). When the turn
is done within the reply budget and its
answer fits one message, the answer is the HTTP response (a passive reply). Otherwise the response
is "success" and the answer follows as 客服消息 — after the budget, whenever the turn finishes; a
reply that cannot be sent then goes into the outbox.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import xmltodict
from aiohttp import web
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.dialogs.engine import Dialogs
from bot.handlers.background import Background, add_callback_routes
from bot.handlers.inbox import Inbox
from bot.handlers.keyed_locks import KeyedLocks
from bot.handlers.wechat.client import WechatApi, WechatApiError
from bot.handlers.wechat.inbound import CHANNEL, Job, job_for
from bot.handlers.wechat.render import text_parts
from bot.handlers.wechat.sender import as_send_error, send_texts
from bot.handlers.wechat.window import mark_unfollowed, opened_by
from bot.messages import Reply, Turn
from bot.observability.metrics import count_inbox
from bot.settings import Settings
from store.dialog_state import claim_update
from store.outbox_claims import mark_sent_many

SUCCESS = "success"  # WeChat's "received, nothing to say now": no retry, nothing shown

log = logging.getLogger("linli.wechat")


class BadCallback(Exception):
    """A callback to refuse: status is 400 (malformed) or 403 (forged or stale)."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def cdata_safe(text: str) -> str:
    """Text that stays one CDATA section inside wechatpy's reply XML."""
    return text.replace("]]>", "]]]]><![CDATA[>")


class WechatChannel:
    """Verifies callbacks, runs the dialogs within a time budget, answers in the response or later."""

    def __init__(self, dialogs: Dialogs, settings: Settings, api: WechatApi, *,
                 clock: Callable[[], float] = time.time, inbox: Inbox | None = None):
        w = settings.wechat
        self.token = w.token.get_secret_value()
        if not (w.app_id and self.token):
            raise ValueError("wechat app_id and token must be set (LINLI_WECHAT__*)")
        key = w.encoding_aes_key.get_secret_value()
        self.crypto = WeChatCrypto(self.token, key, w.app_id) if key else None
        self.dialogs = dialogs
        self.api = api
        self.lang = settings.general.language
        self.max_age = w.callback_max_age_seconds
        self.budget = w.reply_budget_seconds
        self.clock = clock
        self.background = Background()
        self.inbox = inbox or Inbox(dialogs, CHANNEL)
        self.inbox.background = self.background  # retries are drained with the rest at shutdown
        self.inbox.replay = self.replay
        self._locks = KeyedLocks()

    # -- HTTP ------------------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.Response:
        """GET: the echostr back when the signature is WeChat's."""
        q = request.query
        try:
            check_signature(self.token, q["signature"], q["timestamp"], q["nonce"])
            echo = q["echostr"]
        except KeyError:
            raise web.HTTPBadRequest() from None
        except InvalidSignatureException:
            raise web.HTTPForbidden() from None
        return web.Response(text=echo, content_type="text/plain")

    async def receive(self, request: web.Request) -> web.Response:
        """POST: check, decrypt, run the turn; a passive reply when it is quick, else "success"."""
        try:
            xml, encrypted = self._open(request.query, await request.read())
            job = job_for(xml)
        except BadCallback as exc:
            raise web.HTTPForbidden() if exc.status == 403 else web.HTTPBadRequest() from None
        except Exception:  # noqa: BLE001  (not XML, no MsgType, no MsgId …)
            raise web.HTTPBadRequest() from None
        if job is None:
            return self._success()
        try:
            await self.inbox.keep(job.update_key, {"xml": xml})
        except Exception as exc:  # noqa: BLE001  (the database is away: WeChat must send it again)
            log.warning("wechat callback not stored, answered 503: %r", exc)
            count_inbox(CHANNEL, "refused")
            return web.Response(status=503, text="")
        turn = self.background.start(self._turn(job))
        try:
            done = await asyncio.wait_for(asyncio.shield(turn), self.budget)
        except asyncio.TimeoutError:
            self.background.start(self._late(job, turn))
            return self._success()
        except Exception as exc:  # noqa: BLE001  (the database went away mid-turn …: tried again later)
            self._failed(job, exc)
            return self._success()
        parts = text_parts(done.replies)
        if len(parts) == 1:
            response = self._passive(job, parts[0], encrypted, request.query)
            await asyncio.to_thread(self._answered, done)
            return response
        if parts:
            self.background.start(self._deliver(job, done))
        return self._success()

    def _answered(self, done: Turn) -> None:
        """The reply goes back in the HTTP response: its outbox rows are done."""
        with self.dialogs.db.session() as session:
            mark_sent_many(session, done.owed, self.dialogs.worker_id, self.dialogs.clock.now())

    def _open(self, q, body: bytes) -> tuple[str, bool]:
        """The plaintext XML of a POST and whether it came encrypted; BadCallback when refused."""
        try:
            signature, timestamp, nonce = q["signature"], q["timestamp"], q["nonce"]
            sent_at = int(timestamp)
        except (KeyError, ValueError):
            raise BadCallback(400) from None
        if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
            raise BadCallback(400)  # WeChat never sends these; entity tricks stop here
        if self.max_age and abs(self.clock() - sent_at) > self.max_age:
            raise BadCallback(403)
        try:
            check_signature(self.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            raise BadCallback(403) from None
        if self.crypto is None:
            return body.decode("utf-8"), False
        if q.get("encrypt_type") != "aes" or "msg_signature" not in q:
            raise BadCallback(403)  # 安全模式: plaintext bodies are not signed, so not accepted
        envelope = xmltodict.parse(body)["xml"]
        if not envelope.get("Encrypt"):
            raise BadCallback(400)
        try:
            return self.crypto.decrypt_message(envelope, q["msg_signature"], timestamp, nonce), True
        except (InvalidSignatureException, InvalidAppIdException):
            raise BadCallback(403) from None

    def _passive(self, job: Job, text: str, encrypted: bool, q) -> web.Response:
        xml = TextReply(source=job.account, target=job.user, content=cdata_safe(text),
                        time=int(self.clock())).render()
        if encrypted:
            xml = self.crypto.encrypt_message(xml, q["nonce"], str(int(self.clock())))
        return web.Response(text=xml, content_type="application/xml")

    @staticmethod
    def _success() -> web.Response:
        return web.Response(text=SUCCESS, content_type="text/plain")

    # -- the turn and what follows it ------------------------------------------------------

    async def replay(self, key: str, payload: dict) -> None:
        """Handle a stored callback again (the sweep took it over); the answer goes as 客服消息."""
        job = job_for(payload["xml"])
        if job is None:
            await self.inbox.done(key)
            return
        self.background.start(self._retry(job))

    async def _retry(self, job: Job) -> None:
        try:
            done = await self._turn(job)
        except Exception as exc:  # noqa: BLE001
            self._failed(job, exc)
            return
        await self._deliver(job, done)

    def _failed(self, job: Job, exc: Exception) -> None:
        log.warning("wechat callback %s not handled: %r", job.update_key, exc)
        self.inbox.failed(job.update_key, lambda: self._retry(job))

    async def _turn(self, job: Job) -> Turn:
        """The turn of a stored callback; its row is done once the turn committed."""
        with self.inbox.handling(job.update_key) as stored:
            async with self._locks.hold(job.user):  # one follower's messages answered in order
                if job.unfollow:
                    await asyncio.to_thread(self._unfollow, job)
                    done = Turn([])
                else:
                    done = await asyncio.to_thread(self.dialogs.take_turn, job.incoming)
                    # After the turn: a new follower's account exists only now.
                    await asyncio.to_thread(opened_by, self.dialogs.db, job.user, self.dialogs.clock.now())
        self.background.start(self.inbox.done(job.update_key, stored))
        return done

    def _claim(self, update_key: str) -> bool:
        with self.dialogs.db.session() as session:
            return claim_update(session, CHANNEL, update_key)

    def _unfollow(self, job: Job) -> None:
        if self._claim(job.update_key):
            mark_unfollowed(self.dialogs.db, job.user)

    async def _late(self, job: Job, turn: asyncio.Task) -> None:
        try:
            done = await turn
        except Exception as exc:  # noqa: BLE001
            self._failed(job, exc)
            return
        await self._deliver(job, done)

    async def _deliver(self, job: Job, done: Turn) -> None:
        """Send the replies as 客服消息 in order; what fails is left to the outbox tick in its rows."""
        async def send(reply: Reply) -> None:
            try:
                await send_texts(self.api, job.user, text_parts([reply]))
            except WechatApiError as exc:
                raise as_send_error(exc) from exc

        await self.dialogs.deliver(done, send)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for turns and sends still under way (and those they start), up to timeout."""
        await self.background.drain(timeout)


WECHAT_CHANNEL = web.AppKey("wechat_channel", WechatChannel)


def setup_wechat_routes(app: web.Application, dialogs: Dialogs, settings: Settings, api: WechatApi,
                        **options) -> None:
    """Add GET (URL check) and POST (messages) at settings.wechat.callback_path."""
    channel = WechatChannel(dialogs, settings, api, **options)
    app[WECHAT_CHANNEL] = channel
    add_callback_routes(app, settings.wechat.callback_path, channel.verify, channel.receive,
                        channel.background)
