"""Broken, hostile or forged HTTP bodies at every door (web chat API, Telegram webhook, WeCom
callback): each gets a 4xx, never a 500, and the store is exactly as it was. Well-formed updates
Telegram would never send may be taken, but they break nothing either."""
from __future__ import annotations

import base64
import importlib.util
import json

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from sqlalchemy import select as select_rows
from sqlmodel import SQLModel

from bot.app import build_service
from bot.handlers.web.server import start_web
from tests.fakes.wecom_callbacks import cdata
from tests.fakes.wecom_stack import wecom_stack
from tests.support.waiting import updates_handled

HAS_WEBHOOK = importlib.util.find_spec("bot.handlers.telegram.webhook") is not None
JSON = {"Content-Type": "application/json"}
MESSAGE_ID = '"id": "bad-body-0001"'
LONE = "\\ud800"  # a lone surrogate, as JSON writes it: no UTF-8 text can hold it

WEB_BODIES = {
    "empty": b"",
    "half an object": b"{",
    "not json": b"not json",
    "a list": b"[1, 2]",
    "null": b"null",
    "a number": b"123",
    "a string": b'"hello"',
    "nan": b'{"id": NaN, "text": "hi"}',
    "deep list": b"[" * 10000,
    "deep object": b'{"a":' * 3000,
    "huge number": b'{"id": ' + b"9" * 5000 + b', "text": "hi"}',
    "not utf-8": b"\xff\xfe\xfd",
    "utf-16": json.dumps({"id": "bad-body-0001", "text": "你好"}).encode("utf-16"),
    "bom": "\ufeff{".encode() + MESSAGE_ID.encode() + b', "text": "hi"}',
    "nul in json": b'{"id": "bad-body-0001", "text": "hi"}\x00',
    "id missing": b'{"text": "hi"}',
    "id a number": b'{"id": 12345678, "text": "hi"}',
    "id a list": b'{"id": ["bad-body-0001"], "text": "hi"}',
    "id too short": b'{"id": "abc", "text": "hi"}',
    "id with spaces": b'{"id": "bad body 0001", "text": "hi"}',
    "id with a lone surrogate": ('{"id": "bad-body-' + LONE + '", "text": "hi"}').encode(),
    "neither text nor payload": ("{" + MESSAGE_ID + "}").encode(),
    "text a list": ("{" + MESSAGE_ID + ', "text": ["hi"]}').encode(),
    "text null": ("{" + MESSAGE_ID + ', "text": null}').encode(),
    "text blank": ("{" + MESSAGE_ID + ', "text": " \\u3000\\t"}').encode(),
    "text too long": ("{" + MESSAGE_ID + ', "text": "' + "a" * 600 + '"}').encode(),
    "text with a lone surrogate": ("{" + MESSAGE_ID + ', "text": "hi ' + LONE + '"}').encode(),
    "payload an object": ("{" + MESSAGE_ID + ', "payload": {"verb": "crs"}}').encode(),
    "payload empty": ("{" + MESSAGE_ID + ', "payload": ""}').encode(),
    "payload too long": ("{" + MESSAGE_ID + ', "payload": "crs:' + "A" * 80 + '"}').encode(),
    "payload with a control character": ("{" + MESSAGE_ID + ', "payload": "crs:\\u0007"}').encode(),
    "payload with a lone surrogate": ("{" + MESSAGE_ID + ', "payload": "crs:' + LONE + '"}').encode(),
    "label with a lone surrogate": ("{" + MESSAGE_ID + ', "payload": "menu", "label": "' + LONE + '"}').encode(),
    "over the size limit": ("{" + MESSAGE_ID + ', "text": "' + "a" * 20000 + '"}').encode(),
    "id true": b'{"id": true, "text": "hi"}',
    "nan beside the message": ("{" + MESSAGE_ID + ', "text": "hi", "sent": NaN}').encode(),
    "infinity beside the message": ("{" + MESSAGE_ID + ', "text": "hi", "sent": -Infinity}').encode(),
    "text true": ("{" + MESSAGE_ID + ', "text": true}').encode(),
    "payload true": ("{" + MESSAGE_ID + ', "payload": true}').encode(),
}


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table."""
    with db.session() as s:
        return {name: sorted(map(tuple, s.execute(select_rows(table)).all()), key=repr)
                for name, table in SQLModel.metadata.tables.items()}


def refused_politely(status: int) -> bool:
    return 400 <= status < 500


# -- the web chat API -------------------------------------------------------------------------

@pytest.fixture
async def web_client(dialogs, settings):
    """A browser that opened the page (it holds its session cookie) and sent nothing yet."""
    client = TestClient(TestServer(build_service(settings, dialogs=dialogs).web_app))
    await client.start_server()
    await client.get("/")
    yield client
    await client.close()


# The page's opening carries only an id (and a start parameter): text and choices are no concern there.
WEB_CASES = [(path, name) for name in sorted(WEB_BODIES) for path in ("/api/message", "/api/start")
             if path == "/api/message" or not name.startswith(("text", "payload", "label", "neither"))]


@pytest.mark.parametrize(("path", "name"), WEB_CASES)
async def test_a_broken_web_chat_body_gets_a_4xx_and_changes_nothing(web_client, sqlite_db, path, name):
    body = WEB_BODIES[name]
    before = snapshot(sqlite_db)
    resp = await web_client.post(path, data=body, headers=JSON)
    assert refused_politely(resp.status), (name, resp.status, await resp.text())
    assert isinstance((await resp.json())["error"], str)
    assert snapshot(sqlite_db) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml", ""])
async def test_a_body_that_is_not_json_gets_415(web_client, sqlite_db, content_type):
    before = snapshot(sqlite_db)
    resp = await web_client.post("/api/message", data=b'{"id": "bad-body-0001", "text": "hi"}',
                                 headers={"Content-Type": content_type})
    assert resp.status == 415
    assert snapshot(sqlite_db) == before


@pytest.mark.parametrize("after", ["²", "①", "٣", "-1", "abc", "1e5", "9" * 40, "", "%00", "1.5"])
async def test_a_strange_history_position_never_breaks_the_history(web_client, after):
    resp = await web_client.get("/api/history", params={"after": after})
    assert resp.status < 500, (after, await resp.text())


# -- the Telegram webhook ---------------------------------------------------------------------

SECRET = "s3cret-Token_for-tests"
TELEGRAM_BODIES = {
    "empty": b"",
    "half an object": b"{",
    "not json": b"not json",
    "a list": b"[1, 2]",
    "null": b"null",
    "not utf-8": b"\xff\xfe",
    "deep list": b"[" * 100000,
    "deep object": b'{"update_id": 5, "message": ' + b'{"a":' * 50000,
    "huge number": b'{"update_id": ' + b"9" * 5000 + b"}",
    "update id a string": b'{"update_id": "7"}',
    "update id a float": b'{"update_id": 7.5}',
    "message a string": b'{"update_id": 5, "message": "hi"}',
    "message a list": b'{"update_id": 5, "message": [{"message_id": 1}]}',
    "message null": b'{"update_id": 5, "message": null}',
    "update id true": b'{"update_id": true}',
    "update id false": b'{"update_id": false, "message": {"message_id": 1}}',
    "update id negative": b'{"update_id": -5}',
    "update id beyond 53 bits": b'{"update_id": 9223372036854775807}',
    "update id with an exponent": b'{"update_id": 5e0}',
    "update id missing": b'{"message": {"message_id": 1}}',
    "nan inside": b'{"update_id": 5, "message": {"message_id": NaN}}',
    "infinity inside": b'{"update_id": 5, "message": {"date": -Infinity}}',
    "over the size limit": b'{"update_id": 5, "message": {"text": "' + b"a" * 300_000 + b'"}}',
    "lone surrogate": ('{"update_id": 5, "message": "' + LONE + '"}').encode(),
}


@pytest.fixture
async def webhook(dialogs, settings, sqlite_db):
    """The webhook route of a running Application, against a fake Bot API."""
    if not HAS_WEBHOOK:
        pytest.skip("this build has no Telegram webhook")
    from bot.handlers.telegram.adapter import build_application
    from bot.handlers.telegram.webhook import TelegramWebhook
    from tests.fakes.telegram_api import FakeBotApi

    async with FakeBotApi() as api:
        tg_settings = settings.telegram.model_copy(update={
            "token": SecretStr(api.token), "base_url": api.base_url, "base_file_url": api.base_file_url,
            "mode": "webhook", "webhook_secret": SecretStr(SECRET)})
        conf = settings.model_copy(update={"telegram": tg_settings})
        tg = build_application(dialogs, conf)
        app = web.Application()
        TelegramWebhook(tg, conf).setup(app)
        await tg.initialize()
        await tg.start()
        running = await start_web(app, "127.0.0.1", 0, access_log=False)
        try:
            yield f"{running.url}{conf.telegram.webhook_path}", api, tg
        finally:
            await running.stop()
            await tg.stop()
            await tg.shutdown()


async def post_to(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=body, headers=headers) as response:
            return response.status


@pytest.mark.parametrize("name", sorted(TELEGRAM_BODIES))
async def test_a_broken_telegram_update_gets_a_4xx_and_changes_nothing(webhook, sqlite_db, name):
    url, api, tg = webhook
    before = snapshot(sqlite_db)
    status = await post_to(url, TELEGRAM_BODIES[name], {**JSON, "X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert refused_politely(status), (name, status)
    await updates_handled(tg)  # an update taken by mistake would be handled by now
    assert snapshot(sqlite_db) == before
    assert api.sent == []


# Well-formed JSON, but not an update Telegram would ever send: only someone holding the secret could.
ODD_UPDATES = {
    "message without a chat": b'{"update_id": 5, "message": {"message_id": 1, "date": 0, "text": "hi"}}',
    "callback without a sender": b'{"update_id": 5, "callback_query": {"id": "1", "data": "cxy:1"}}',
    "nothing in it": b'{"update_id": 5}',
}


@pytest.mark.parametrize("name", sorted(ODD_UPDATES))
async def test_an_odd_telegram_update_breaks_nothing(webhook, sqlite_db, name):
    url, api, tg = webhook
    before = snapshot(sqlite_db)
    status = await post_to(url, ODD_UPDATES[name], {**JSON, "X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert status < 500, (name, status)
    await updates_handled(tg)
    assert snapshot(sqlite_db) == before
    assert api.sent == []


@pytest.mark.parametrize("secret", ["", " ", "x" * 300, SECRET.upper(), SECRET + "\u200b"])
async def test_a_forged_telegram_secret_gets_403_even_with_a_broken_body(webhook, sqlite_db, secret):
    url, api, _ = webhook
    before = snapshot(sqlite_db)
    headers = {**JSON, "X-Telegram-Bot-Api-Secret-Token": secret.encode("utf-8").decode("latin-1")}
    assert await post_to(url, b"[" * 1000, headers) == 403
    assert snapshot(sqlite_db) == before and api.sent == []


# -- the WeCom callback -----------------------------------------------------------------------

def _wecom_bodies(corp_id: str, encrypt: str) -> dict[str, bytes]:
    def envelope(inner: str) -> bytes:
        return f"<xml><ToUserName>{cdata(corp_id)}</ToUserName>{inner}<AgentID>1000002</AgentID></xml>".encode()

    return {
        "empty": b"",
        "not xml": b"not xml at all",
        "unclosed": b"<xml><Encrypt>abc",
        "no root": b"<Encrypt>abc</Encrypt>",
        "wrong root": f"<msg><Encrypt>{cdata(encrypt)}</Encrypt></msg>".encode(),
        "root with text only": b"<xml>hello</xml>",
        "no encrypt": envelope(""),
        "empty encrypt": envelope("<Encrypt></Encrypt>"),
        "encrypt with children": envelope("<Encrypt><a>1</a></Encrypt>"),
        "two encrypts": envelope(f"<Encrypt>{cdata(encrypt)}</Encrypt><Encrypt>{cdata(encrypt)}</Encrypt>"),
        "encrypt not base64": envelope("<Encrypt>!!!not base64!!!</Encrypt>"),
        "encrypt too short": envelope(f"<Encrypt>{base64.b64encode(b'short').decode()}</Encrypt>"),
        "entity": b'<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>',
        "lower-case doctype": (b'<!doctype xml [<!entity a SYSTEM "file:///etc/passwd">]>'
                               b"<xml><Encrypt>&a;</Encrypt></xml>"),
        "processing instruction": b'<?xml-stylesheet href="x"?><xml><Encrypt>abc</Encrypt></xml>',
        "not utf-8": b"<xml><Encrypt>\xff\xfe</Encrypt></xml>",
        "deep": b"<xml>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</xml>",
    }


async def test_broken_and_forged_wecom_callbacks_get_4xx_and_change_nothing(dialogs, settings, sqlite_db):
    async with wecom_stack(dialogs, settings) as stack:
        cb = stack.callbacks
        params, good_body = cb.seal(cb.text_xml("wangwu", "你好"))
        encrypt = good_body.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
        before = snapshot(sqlite_db)
        statuses = {}
        for name, body in _wecom_bodies(stack.settings.wecom.corp_id, encrypt).items():
            statuses[name] = (await cb.post_raw(params, body)).status
        for name, changes in {
            "no signature": {"msg_signature": None}, "no timestamp": {"timestamp": None},
            "no nonce": {"nonce": None}, "empty signature": {"msg_signature": ""},
            "short signature": {"msg_signature": "abc"}, "signature not hex": {"msg_signature": "内" * 40},
            "timestamp not a number": {"timestamp": "abc"}, "timestamp superscript": {"timestamp": "²"},
            "timestamp huge": {"timestamp": "9" * 5000}, "timestamp negative": {"timestamp": "-1"},
            "timestamp empty": {"timestamp": ""}, "another nonce": {"nonce": params["nonce"] + "1"},
            "timestamp with a plus": {"timestamp": "+" + params["timestamp"]},
            "timestamp with a space": {"timestamp": " " + params["timestamp"]},
            "timestamp in arabic digits": {"timestamp": "".join(chr(0x660 + int(d)) for d in params["timestamp"])},
        }.items():
            changed = {k: v for k, v in {**params, **changes}.items() if v is not None}
            statuses[name] = (await cb.post_raw(changed, good_body)).status
        statuses["over the size limit"] = (await cb.post_raw(params, good_body + " " * 70_000)).status
        # Correctly signed and encrypted, but what is inside is no WeCom message.
        sender, text = "<FromUserName>wangwu</FromUserName><CreateTime>1700000000</CreateTime>", \
            "<MsgType>text</MsgType><Content>你好</Content>"
        for name, plain in {"signed nothing": "", "signed text": "this is not xml",
                            "signed empty xml": "<xml/>", "signed no sender": "<xml><MsgType>text</MsgType></xml>",
                            "signed entity": '<!DOCTYPE x [<!ENTITY e "e">]><xml>&e;</xml>',
                            "signed text without MsgId": f"<xml>{sender}{text}</xml>",
                            "signed MsgId a word": f"<xml>{sender}{text}<MsgId>abc</MsgId></xml>",
                            "signed MsgId twice": f"<xml>{sender}{text}<MsgId>1</MsgId><MsgId>2</MsgId></xml>",
                            "signed sender an element": ("<xml><FromUserName><a>wangwu</a></FromUserName>"
                                                         f"{text}<MsgId>1</MsgId></xml>"),
                            "signed content an element": (f"<xml>{sender}<MsgType>text</MsgType>"
                                                          "<Content><b>hi</b></Content><MsgId>1</MsgId></xml>"),
                            "signed event time a word": ("<xml><FromUserName>wangwu</FromUserName><CreateTime>x"
                                                         "</CreateTime><MsgType>event</MsgType>"
                                                         "<Event>enter_agent</Event></xml>")}.items():
            statuses[name] = (await cb.post(plain)).status
        await stack.channel.drain()
        broken = {name: status for name, status in statuses.items() if not refused_politely(status)}
        assert not broken, broken
        assert snapshot(sqlite_db) == before
        assert not stack.fake.messages


async def test_a_broken_url_check_gets_a_4xx(dialogs, settings):
    async with wecom_stack(dialogs, settings) as stack:
        cb = stack.callbacks
        params, _ = cb.seal(cb.text_xml("wangwu", "你好"))
        for echostr in ("", "!!!", base64.b64encode(b"x" * 7).decode(), "内容", "a" * 10000):
            status, _, _ = await cb.verify_url({**params, "echostr": echostr})
            assert refused_politely(status), echostr
