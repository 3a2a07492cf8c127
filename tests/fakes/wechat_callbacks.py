"""A fake WeChat server side: posts correctly signed (and in 安全模式 really encrypted) 公众号 callbacks."""
from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from tests.fakes.wecom_callbacks import cdata


def sign(*parts: str) -> str:
    """WeChat's SHA1 signature over the sorted parts."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


@dataclass
class Posted:
    """One callback as sent, and our endpoint's answer (reply: the passive reply's text, if any)."""

    status: int
    body: str
    reply: str
    params: dict[str, str]


class FakeWechatCallbacks:
    """Builds 公众号 callback XML, signs it (and encrypts it when a key is given) and posts it to url."""

    def __init__(self, url: str, token: str, app_id: str, encoding_aes_key: str = "",
                 account: str = "gh_fakeaccount01", clock: Callable[[], float] = time.time):
        self.url = url
        self.token = token
        self.app_id = app_id
        self.account = account
        self.crypto = WeChatCrypto(token, encoding_aes_key, app_id) if encoding_aes_key else None
        self.clock = clock
        self._ids = itertools.count(24_000_000_000_000_000)
        self._last_time = 0

    def _now(self) -> int:
        # CreateTime is in seconds; keep it moving so two events never share one.
        self._last_time = max(int(self.clock()), self._last_time + 1)
        return self._last_time

    def _xml(self, user: str, msg_type: str, **fields: object) -> str:
        parts = [f"<ToUserName>{cdata(self.account)}</ToUserName>",
                 f"<FromUserName>{cdata(user)}</FromUserName>",
                 f"<CreateTime>{self._now()}</CreateTime>",
                 f"<MsgType>{cdata(msg_type)}</MsgType>"]
        parts += [f"<{name}>{cdata(value)}</{name}>" for name, value in fields.items()]
        return "<xml>" + "".join(parts) + "</xml>"

    def text_xml(self, user: str, content: str) -> str:
        """A typed text message."""
        return self._xml(user, "text", Content=content, MsgId=next(self._ids))

    def image_xml(self, user: str) -> str:
        """A picture message."""
        return self._xml(user, "image", PicUrl="http://example.invalid/p.jpg", MediaId="m-1",
                         MsgId=next(self._ids))

    def event_xml(self, user: str, event: str, **fields: object) -> str:
        """An event (subscribe, unsubscribe, SCAN, CLICK …)."""
        return self._xml(user, "event", Event=event, **fields)

    def seal(self, xml: str, timestamp: int | None = None) -> tuple[dict[str, str], str]:
        """Query params and body exactly as WeChat would post this plaintext."""
        return self.seal_raw(xml, timestamp, openid=xmltodict.parse(xml)["xml"]["FromUserName"])

    def seal_raw(self, xml: str, timestamp: int | None = None, openid: str = "") -> tuple[dict[str, str], str]:
        """Signed (and encrypted) as WeChat would, whatever xml holds."""
        nonce = str(secrets.randbelow(10 ** 9))
        stamp = str(timestamp if timestamp is not None else int(self.clock()))
        params = {"signature": sign(self.token, stamp, nonce), "timestamp": stamp, "nonce": nonce,
                  "openid": openid}
        if self.crypto is None:
            return params, xml
        sealed = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, stamp))["xml"]
        body = (f"<xml><ToUserName>{cdata(self.account)}</ToUserName>"
                f"<Encrypt>{cdata(sealed['Encrypt'])}</Encrypt></xml>")
        params.update(encrypt_type="aes", msg_signature=sealed["MsgSignature"])
        return params, body

    def read_reply(self, body: str) -> str:
        """The text of a passive reply ("" for "success" or an empty answer), decrypted if need be."""
        if not body.strip().startswith("<xml"):
            return ""
        data = xmltodict.parse(body)["xml"]
        if self.crypto is not None:
            plain = self.crypto.decrypt_message(data, data["MsgSignature"], data["TimeStamp"],
                                                data["Nonce"])
            data = xmltodict.parse(plain)["xml"]
        return data.get("Content") or ""

    async def post_raw(self, params: dict[str, str], body: str | bytes) -> Posted:
        """Post a body with given query params (params= keeps '+' intact)."""
        async with aiohttp.ClientSession() as http:
            async with http.post(self.url, params=params, data=body,
                                 headers={"Content-Type": "text/xml"}) as res:
                text = await res.text()
        reply = self.read_reply(text) if res.status == 200 else ""
        return Posted(res.status, text, reply, params)

    async def post(self, xml: str, timestamp: int | None = None) -> Posted:
        """Sign (and encrypt) and post one callback."""
        params, body = self.seal(xml, timestamp)
        return await self.post_raw(params, body)

    async def send_text(self, user: str, content: str) -> Posted:
        """A follower types content."""
        return await self.post(self.text_xml(user, content))

    async def subscribe(self, user: str, scene: str | None = None) -> Posted:
        """A follower follows the 公众号 (from a parametric QR code when scene is given)."""
        if scene is None:
            return await self.post(self.event_xml(user, "subscribe"))
        return await self.post(self.event_xml(user, "subscribe", EventKey=f"qrscene_{scene}",
                                              Ticket="fake-ticket"))

    async def scan(self, user: str, scene: str) -> Posted:
        """A follower scans a parametric QR code."""
        return await self.post(self.event_xml(user, "SCAN", EventKey=scene, Ticket="fake-ticket"))

    async def click(self, user: str, key: str) -> Posted:
        """A follower taps a custom-menu button."""
        return await self.post(self.event_xml(user, "CLICK", EventKey=key))

    async def unsubscribe(self, user: str) -> Posted:
        """A follower unfollows."""
        return await self.post(self.event_xml(user, "unsubscribe"))

    async def verify_url(self, echostr: str, token: str | None = None) -> tuple[int, str]:
        """WeChat's URL check: status and body of our answer."""
        stamp, nonce = str(int(self.clock())), str(secrets.randbelow(10 ** 9))
        params = {"signature": sign(token or self.token, stamp, nonce), "timestamp": stamp,
                  "nonce": nonce, "echostr": echostr}
        async with aiohttp.ClientSession() as http:
            async with http.get(self.url, params=params) as res:
                return res.status, await res.text()
