"""A fake WeCom server side: posts really encrypted, correctly signed callbacks to our endpoint."""
from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import xmltodict
from wechatpy.enterprise import WeChatCrypto


def cdata(value: object) -> str:
    """A CDATA section that survives a ']]>' inside the value."""
    return "<![CDATA[" + str(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Posted:
    """One callback as sent, and our endpoint's answer."""

    status: int
    body: str
    params: dict[str, str]
    envelope: str


class FakeWecomCallbacks:
    """Builds WeCom's callback XML, encrypts it with wechatpy and posts it to url."""

    def __init__(self, url: str, token: str, encoding_aes_key: str, corp_id: str,
                 agent_id: int = 1000002, clock: Callable[[], float] = time.time):
        self.url = url
        self.crypto = WeChatCrypto(token, encoding_aes_key, corp_id)
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.clock = clock
        self._ids = itertools.count(7_000_000_000_000_000_000)
        self._last_time = 0

    def _now(self) -> int:
        # CreateTime is in seconds; keep it moving so two events never share one.
        self._last_time = max(int(self.clock()), self._last_time + 1)
        return self._last_time

    def _xml(self, user: str, msg_type: str, **fields: object) -> str:
        parts = [f"<ToUserName>{cdata(self.corp_id)}</ToUserName>",
                 f"<FromUserName>{cdata(user)}</FromUserName>",
                 f"<CreateTime>{self._now()}</CreateTime>",
                 f"<MsgType>{cdata(msg_type)}</MsgType>"]
        parts += [f"<{name}>{cdata(value)}</{name}>" for name, value in fields.items()]
        parts.append(f"<AgentID>{self.agent_id}</AgentID>")
        return "<xml>" + "".join(parts) + "</xml>"

    def text_xml(self, user: str, content: str) -> str:
        """A text message."""
        return self._xml(user, "text", Content=content, MsgId=next(self._ids))

    def image_xml(self, user: str) -> str:
        """A picture message."""
        return self._xml(user, "image", PicUrl="http://example.invalid/p.jpg",
                         MediaId="media-1", MsgId=next(self._ids))

    def event_xml(self, user: str, event: str, **fields: object) -> str:
        """An event (enter_agent, subscribe …)."""
        return self._xml(user, "event", Event=event, **fields)

    def kf_event_xml(self, token: str, open_kfid: str) -> str:
        """微信客服: new messages wait to be pulled with token (no FromUserName, no AgentID)."""
        return (f"<xml><ToUserName>{cdata(self.corp_id)}</ToUserName><CreateTime>{self._now()}</CreateTime>"
                f"<MsgType>{cdata('event')}</MsgType><Event>{cdata('kf_msg_or_event')}</Event>"
                f"<Token>{cdata(token)}</Token><OpenKfId>{cdata(open_kfid)}</OpenKfId></xml>")

    def contact_added_xml(self, member: str, external_userid: str, state: str = "") -> str:
        """A resident on WeChat added a member as a contact (by a 联系我 code when state is set)."""
        fields = {"ChangeType": "add_external_contact", "UserID": member, "ExternalUserID": external_userid}
        if state:
            fields["State"] = state
        fields["WelcomeCode"] = secrets.token_hex(8)
        return self._xml("sys", "event", Event="change_external_contact", **fields)

    def card_click_xml(self, user: str, key: str, task_id: str, response_code: str | None = None) -> str:
        """A button pressed on a button_interaction template card."""
        return self.event_xml(user, "template_card_event", EventKey=key, TaskId=task_id,
                              CardType="button_interaction",
                              ResponseCode=response_code or secrets.token_hex(12))

    def seal(self, xml: str, timestamp: int | None = None) -> tuple[dict[str, str], str]:
        """Query params and body exactly as WeCom would post this plaintext."""
        nonce = str(secrets.randbelow(10 ** 9))
        stamp = str(timestamp if timestamp is not None else int(self.clock()))
        sealed = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, stamp))["xml"]
        body = (f"<xml><ToUserName>{cdata(self.corp_id)}</ToUserName>"
                f"<Encrypt>{cdata(sealed['Encrypt'])}</Encrypt>"
                f"<AgentID>{cdata(self.agent_id)}</AgentID></xml>")
        params = {"msg_signature": sealed["MsgSignature"], "timestamp": stamp, "nonce": nonce}
        return params, body

    async def post_raw(self, params: dict[str, str], body: str | bytes) -> Posted:
        """Post a body with given query params (params= keeps '+' intact)."""
        async with aiohttp.ClientSession() as http:
            async with http.post(self.url, params=params, data=body,
                                 headers={"Content-Type": "text/xml"}) as res:
                text = await res.text()
                return Posted(res.status, text, params, body if isinstance(body, str) else "")

    async def post(self, xml: str, timestamp: int | None = None) -> Posted:
        """Encrypt, sign and post one callback."""
        params, body = self.seal(xml, timestamp)
        return await self.post_raw(params, body)

    async def send_text(self, user: str, content: str) -> Posted:
        """A member types content."""
        return await self.post(self.text_xml(user, content))

    async def click(self, user: str, key: str, task_id: str, response_code: str | None = None) -> Posted:
        """A member presses a card button."""
        return await self.post(self.card_click_xml(user, key, task_id, response_code))

    async def menu_click(self, user: str, key: str) -> Posted:
        """A member presses an entry of the application's custom menu (a click event with its key)."""
        return await self.post(self.event_xml(user, "click", EventKey=key))

    async def verify_url(self, params: dict[str, str]) -> tuple[int, str, str]:
        """WeCom's URL check: status, body and content type of our answer."""
        async with aiohttp.ClientSession() as http:
            async with http.get(self.url, params=params) as res:
                return res.status, await res.text(), res.headers.get("Content-Type", "")
