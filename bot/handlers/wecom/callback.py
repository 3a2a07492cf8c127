"""The WeCom channel: encrypted callbacks in as Incoming, Replies out through the API.

GET is WeCom's URL check: the decrypted echostr is the whole answer. POST carries messages:
it is verified, decrypted and stored in the inbox, then answered 200 with an empty body (WeCom
retries after 5 seconds); the dialogs run from the stored message right after, and the answer
goes out via message/send. A message that cannot be stored is answered 503, so WeCom sends it
again; one whose handling fails after the 200 is tried again from its row (bot/handlers/inbox.py).

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
from bot.handlers.inbox import Inbox
from bot.handlers.keyed_locks import KeyedLocks
from bot.handlers.wecom.client import WecomApi, WecomApiError
from bot.handlers.wecom.kf import KfInbox, KfLine
from bot.handlers.wecom.sender import WecomSender
from bot.messages import Incoming
from bot.observability.metrics import count_inbox
from bot.settings import Settings
from bot.texts import t
from store.customer_groups import link_external_contact
from store.dialog_state import claim_update

CHANNEL = "wecom"
START_EVENTS = ("enter_agent", "subscribe")
KF_EVENT = "kf_msg_or_event"
CONTACT_EVENT = "change_external_contact"
CONTACT_ADDED = ("add_external_contact", "add_half_external_contact")
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
    contact: tuple[str, str, str] | None = None  # a resident added a member: (external, member, state)

    @property
    def inbox_key(self) -> str:
        """The key of its inbox row: the update key, or the 微信客服 event's own token."""
        return self.update_key or f"kf:{self.open_kfid}:{self.kf_token}"


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
    if _text(data, "Event", 64).lower() == CONTACT_EVENT:  # sent by "sys", not by a member
        if _text(data, "ChangeType", 64).lower() not in CONTACT_ADDED:
            return None
        external, member = _text(data, "ExternalUserID", 64), _text(data, "UserID", 64)
        if not (external and member):
            raise ValueError("contact event without ExternalUserID or UserID")
        key = f"contact:{external}:{member}:{_number(data, 'CreateTime')}"
        return Job("", update_key=key, contact=(external, member, _text(data, "State", 30)))
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
    """Verifies, decrypts and stores callbacks, runs the dialogs from the stored row, sends the replies."""

    def __init__(self, dialogs: Dialogs, settings: Settings, api: WecomApi, *,
                 max_age_seconds: int | None = None, clock: Callable[[], float] = time.time,
                 cards: bool = True, kf: KfInbox | None = None, inbox: Inbox | None = None):
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
        self.inbox = inbox or Inbox(dialogs, CHANNEL)
        self.inbox.background = self.background  # retries are drained with the rest at shutdown
        self.inbox.replay = self.replay
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
        """POST: check, decrypt, store; answer 200 and handle the stored message right after."""
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
        if job is None:
            return web.Response(status=200, body=b"")
        try:
            await self.inbox.keep(job.inbox_key, {"xml": xml})
        except Exception as exc:  # noqa: BLE001  (the database is away: WeCom must send it again)
            log.warning("wecom callback not stored, answered 503: %r", exc)
            count_inbox(CHANNEL, "refused")
            return web.Response(status=503, body=b"")
        self.background.start(self._handle(job))
        return web.Response(status=200, body=b"")

    async def replay(self, key: str, payload: dict) -> None:
        """Handle a stored callback again (the sweep took it over)."""
        job = job_for(payload["xml"])
        if job is None:
            await self.inbox.done(key)
            return
        self.background.start(self._handle(job))

    async def _handle(self, job: Job) -> None:
        """Handle a stored callback; done when it ran, tried again when it failed."""
        key = job.inbox_key
        try:
            with self.inbox.handling(key) as stored:
                if job.kf_token:
                    await self.kf.pull(job.kf_token, job.open_kfid)
                elif job.contact:
                    await asyncio.to_thread(self._link_contact, job)
                else:
                    async with self._locks.hold(job.user):  # one member's messages answered in order
                        await self._answer(job)
        except Exception as exc:  # noqa: BLE001  (the database went away mid-turn, a pull failed …)
            log.warning("wecom callback %s not handled: %r", key, exc)
            self.inbox.failed(key, lambda: self._handle(job))
        else:
            await self.inbox.done(key, stored)

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

    def _link_contact(self, job: Job) -> None:
        external, member, state = job.contact
        with self.dialogs.db.session() as session:
            if not claim_update(session, CHANNEL, job.update_key):
                return  # WeCom retried a callback already handled
            if link_external_contact(session, external, member, state, self.dialogs.clock.now()) is None:
                log.info("external contact added without a 联系我 state of ours; not linked")

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
