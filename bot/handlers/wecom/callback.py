"""The WeCom channel: encrypted callbacks in as Incoming, Replies out through the API.

GET is WeCom's URL check: the decrypted echostr is the whole answer. POST carries messages:
it is verified, decrypted and answered 200 with an empty body at once (WeCom retries after
5 seconds), then the dialogs run in the background and the answer goes out via message/send.

Signed callbacks older than `callback_max_age_seconds` (default 300; 0 turns the check off)
are refused, so a recorded callback cannot be replayed later. The URL check has no such
limit: replaying it changes nothing, and WeCom's published samples carry old timestamps.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import xmltodict
from aiohttp import web
from wechatpy.enterprise import WeChatCrypto, parse_message
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from bot.dialogs.engine import Dialogs
from bot.handlers.background import Background, add_callback_routes
from bot.handlers.http_body import BodyTooLarge, read_limited
from bot.handlers.keyed_locks import KeyedLocks
from bot.handlers.wecom.client import WecomApi, WecomApiError
from bot.handlers.wecom.kf import KfInbox, KfLine
from bot.handlers.wecom.sender import WecomSender
from bot.messages import Incoming
from bot.settings import Settings
from bot.texts import t

CHANNEL = "wecom"
START_EVENTS = ("enter_agent", "subscribe")
KF_EVENT = "kf_msg_or_event"
# An encrypted text message of 2048 bytes is under 4 KB; events are smaller still.
MAX_BODY_BYTES = 64 * 1024
_DIGITS = re.compile(r"^[0-9]{1,20}$")

log = logging.getLogger("linli.wecom")


@dataclass(frozen=True)
class Job:
    """What one callback asks of us, ready to run after the HTTP answer."""

    user: str
    incoming: Incoming | None = None
    update_key: str = ""
    response_code: str | None = None  # set for a card click: the card to grey out
    kf_token: str = ""                # set for a 微信客服 event: pull with it
    open_kfid: str = ""


def _text(data: dict, name: str, limit: int = 8192) -> str:
    """A plain text field; a nested or repeated element, or an oversized one, is no WeCom message."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"callback field {name} is not text")
    return value


def _number(data: dict, name: str) -> str:
    value = _text(data, name, 20)
    if not _DIGITS.match(value):
        raise ValueError(f"callback field {name} is not a number")
    return value


def job_for(xml: str) -> Job | None:
    """Translate a decrypted callback; None for events that need no answer; ValueError when malformed."""
    msg = parse_message(xml)
    data = msg._data  # parse_message gives card events as UnknownMessage: the raw fields are here
    if _text(data, "Event", 64).lower() == KF_EVENT:  # 微信客服: new messages to pull
        token, open_kfid = _text(data, "Token", 256), _text(data, "OpenKfId", 64)
        if not (token and open_kfid):
            raise ValueError("kf event without Token or OpenKfId")
        return Job("", kf_token=token, open_kfid=open_kfid)
    user = _text(data, "FromUserName", 64)
    if not user:
        raise ValueError("callback without FromUserName")
    kind = _text(data, "MsgType", 32).lower()
    if kind != "event":
        # Every message has its MsgId: without one, all of them would share a de-duplication key.
        key = f"msg:{_number(data, 'MsgId')}"
        if kind == "text":
            return Job(user, Incoming(CHANNEL, user, text=_text(data, "Content"), update_key=key), key)
        # A picture, voice, video, file or location: answered with the current choices.
        return Job(user, Incoming(CHANNEL, user, update_key=key, unreadable=True), key)
    event = _text(data, "Event", 64).lower()
    created = _number(data, "CreateTime")
    if event == "template_card_event":
        payload = _text(data, "EventKey", 256)
        key = f"evt:{user}:{created}:{payload}"
        return Job(user, Incoming(CHANNEL, user, payload=payload, update_key=key), key,
                   _text(data, "ResponseCode", 256) or None)
    if event in START_EVENTS:
        key = f"evt:{user}:{created}:{event}"
        return Job(user, Incoming(CHANNEL, user, text="/start", update_key=key), key)
    if event == "click":  # the application's menu (linli wecom menu): its key is the words on it
        word = _text(data, "EventKey", 64)
        key = f"evt:{user}:{created}:click:{word}"
        return Job(user, Incoming(CHANNEL, user, text=word, update_key=key), key) if word else None
    return None


class WecomChannel:
    """Verifies and decrypts callbacks, runs the dialogs in the background, sends the replies."""

    def __init__(self, dialogs: Dialogs, settings: Settings, api: WecomApi, *,
                 max_age_seconds: int | None = None, clock: Callable[[], float] = time.time,
                 cards: bool = True, kf: KfInbox | None = None):
        w = settings.wecom
        token, key = w.token.get_secret_value(), w.encoding_aes_key.get_secret_value()
        if not (w.corp_id and token and key):
            raise ValueError("wecom corp_id, token and encoding_aes_key must be set (LINLI_WECOM__*)")
        self.crypto = WeChatCrypto(token, key, w.corp_id)
        self.dialogs = dialogs
        self.api = api
        self.lang = settings.general.language
        self.max_age = (w.callback_max_age_seconds
                        if max_age_seconds is None else max_age_seconds)
        self.clock = clock
        self.cards = cards
        self.background = Background()
        self.kf = kf or KfInbox(dialogs, KfLine(api, dialogs.db, settings, dialogs.clock))
        self._locks = KeyedLocks()

    async def verify(self, request: web.Request) -> web.Response:
        """GET: answer the decrypted echostr, nothing else."""
        q = request.query
        try:
            args = [q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"]]
        except KeyError:
            raise web.HTTPBadRequest() from None
        try:
            plain = self.crypto.check_signature(*args)
        except (InvalidSignatureException, InvalidCorpIdException):
            raise web.HTTPForbidden() from None
        except Exception:  # noqa: BLE001  (not base64, bad padding …)
            raise web.HTTPBadRequest() from None
        return web.Response(text=plain, content_type="text/plain")

    async def receive(self, request: web.Request) -> web.Response:
        """POST: check, decrypt, answer 200 at once and handle the message after."""
        q = request.query
        try:
            signature, timestamp, nonce = q["msg_signature"], q["timestamp"], q["nonce"]
        except KeyError:
            raise web.HTTPBadRequest() from None
        if not _DIGITS.match(timestamp):  # int() would also take " 1", "+1", "1_0" and "١"
            raise web.HTTPBadRequest()
        sent_at = int(timestamp)
        try:
            body = await read_limited(request, MAX_BODY_BYTES)
        except BodyTooLarge:
            raise web.HTTPRequestEntityTooLarge(MAX_BODY_BYTES, request.content_length or 0) from None
        if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
            raise web.HTTPBadRequest()  # WeCom never sends these; entity tricks stop here
        try:
            envelope = xmltodict.parse(body)["xml"]
            if not envelope.get("Encrypt"):
                raise ValueError("no Encrypt")
        except Exception:  # noqa: BLE001
            raise web.HTTPBadRequest() from None
        if self.max_age and abs(self.clock() - sent_at) > self.max_age:
            raise web.HTTPForbidden()
        try:
            xml = self.crypto.decrypt_message(envelope, signature, timestamp, nonce)
        except (InvalidSignatureException, InvalidCorpIdException):
            raise web.HTTPForbidden() from None
        except Exception:  # noqa: BLE001
            raise web.HTTPBadRequest() from None
        try:
            job = job_for(xml)
        except Exception:  # noqa: BLE001
            raise web.HTTPBadRequest() from None
        if job is not None and job.kf_token:
            self.background.start(self._pull(job))
        elif job is not None:
            self.background.start(self._run(job))
        return web.Response(status=200, body=b"")

    async def _run(self, job: Job) -> None:
        try:
            async with self._locks.hold(job.user):  # one member's messages answered in order
                await self._answer(job)
        except WecomApiError as exc:
            log.warning("wecom reply failed: %s", exc)
        except Exception:  # noqa: BLE001
            log.exception("wecom callback handling failed")

    async def _pull(self, job: Job) -> None:
        try:
            await self.kf.pull(job.kf_token, job.open_kfid)
        except WecomApiError as exc:
            log.warning("微信客服 messages not pulled: %s", exc)
        except Exception:  # noqa: BLE001
            log.exception("微信客服 pull failed")

    async def _answer(self, job: Job) -> None:
        turn = await asyncio.to_thread(self.dialogs.take_turn, job.incoming)
        if not turn.replies:
            return  # a retry of a callback already answered
        if job.response_code:
            try:
                await self.api.update_card([job.user], job.response_code,
                                           t("wecom_card_done", self.lang))
            except WecomApiError as exc:
                log.info("wecom card not updated: %s", exc)
        sender = WecomSender(self.api, self.lang, self.cards)
        await self.dialogs.deliver(turn, lambda reply: sender.send(job.user, reply))

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for the callbacks still being handled (and those they start), up to timeout."""
        await self.background.drain(timeout)


WECOM_CHANNEL = web.AppKey("wecom_channel", WecomChannel)


def setup_wecom_routes(app: web.Application, dialogs: Dialogs, settings: Settings, client: WecomApi,
                       **options) -> None:
    """Add GET (URL check) and POST (messages) at settings.wecom.callback_path; options go to WecomChannel."""
    channel = WecomChannel(dialogs, settings, client, **options)
    app[WECOM_CHANNEL] = channel
    add_callback_routes(app, settings.wecom.callback_path, channel.verify, channel.receive,
                        channel.background)
