"""The WeCom callback endpoint: URL check, signatures, replays, malformed bodies, odd message types."""
from __future__ import annotations

import time

import pytest
from aiohttp import web
from pydantic import SecretStr
from sqlmodel import select

from bot.handlers.wecom.callback import setup_wecom_routes
from bot.texts import t
from store.models import ChannelAccount, ProcessedUpdate
from tests.fakes.wecom_callbacks import FakeWecomCallbacks, cdata
from tests.fakes.wecom_stack import random_aes_key, wecom_stack, wecom_settings

# Published samples: wechatpy's tests/test_crypto.py (v1.8.18) and Tencent's weworkapi_python Sample.py.
VECTORS = [
    dict(token="123456", key="kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", corp_id="wx49f0ab532d5d035a",
         msg_signature="dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", timestamp="1411443780", nonce="437374425",
         echostr="4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==",
         plain="5927782489442352469"),
    dict(token="hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", key="6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
         corp_id="ww1436e0e65a779aee", msg_signature="012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
         timestamp="1476416373", nonce="47744683",
         echostr="fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
         plain="1288432023552776189"),
]


async def _serve_vector(dialogs, settings, v):
    settings = wecom_settings(settings, "http://127.0.0.1:9", corp_id=v["corp_id"],
                              token=SecretStr(v["token"]), encoding_aes_key=SecretStr(v["key"]))
    app = web.Application()
    setup_wecom_routes(app, dialogs, settings, client=None)  # the URL check makes no API call
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}{settings.wecom.callback_path}"


def _params(v, **changes):
    params = {k: v[k] for k in ("msg_signature", "timestamp", "nonce", "echostr")}
    params.update(changes)
    return params


@pytest.mark.parametrize("vector", VECTORS, ids=["wechatpy", "tencent"])
async def test_published_vectors_pass_the_url_check(dialogs, settings, vector):
    runner, url = await _serve_vector(dialogs, settings, vector)
    try:
        fake = FakeWecomCallbacks(url, vector["token"], vector["key"], vector["corp_id"])
        status, body, content_type = await fake.verify_url(_params(vector))
        assert status == 200
        assert body == vector["plain"]  # the plaintext alone: no quotes, no newline
        assert content_type.startswith("text/plain")
        forged = _params(vector, msg_signature="0" * 40)
        assert (await fake.verify_url(forged))[0] == 403
        missing = {k: v for k, v in _params(vector).items() if k != "echostr"}
        assert (await fake.verify_url(missing))[0] == 400
    finally:
        await runner.cleanup()


def _nothing_happened(db, stack):
    with db.session() as s:
        assert s.exec(select(ChannelAccount)).all() == []
        assert s.exec(select(ProcessedUpdate)).all() == []
    assert not stack.fake.messages and stack.fake.gettoken_calls == 0


async def test_forged_signature_is_refused_and_changes_nothing(dialogs, settings, sqlite_db):
    async with wecom_stack(dialogs, settings) as stack:
        params, body = stack.callbacks.seal(stack.callbacks.text_xml("zhangsan", "你好"))
        forged = await stack.callbacks.post_raw(dict(params, msg_signature="f" * 40), body)
        assert forged.status == 403
        # Someone without our token and key signs with their own.
        w = stack.settings.wecom
        stranger = FakeWecomCallbacks(stack.callbacks.url, "not-our-token", random_aes_key(), w.corp_id)
        assert (await stranger.send_text("zhangsan", "你好")).status == 403
        # Our token, but another company's id inside the ciphertext.
        other_corp = FakeWecomCallbacks(stack.callbacks.url, w.token.get_secret_value(),
                                        w.encoding_aes_key.get_secret_value(), "wwsomeoneelse")
        assert (await other_corp.send_text("zhangsan", "你好")).status == 403
        await stack.channel.drain()
        _nothing_happened(sqlite_db, stack)


async def test_stale_callback_is_refused_unless_the_window_is_widened(dialogs, settings, sqlite_db):
    old = int(time.time()) - 3600
    async with wecom_stack(dialogs, settings) as stack:
        stale = await stack.callbacks.post(stack.callbacks.text_xml("lisi", "你好"), timestamp=old)
        assert stale.status == 403
        await stack.channel.drain()
        _nothing_happened(sqlite_db, stack)
    async with wecom_stack(dialogs, settings, max_age_seconds=10 ** 10) as stack:
        accepted = await stack.callbacks.post(stack.callbacks.text_xml("lisi", "你好"), timestamp=old)
        assert accepted.status == 200
        await stack.channel.drain()
        assert "欢迎" in stack.fake.texts("lisi")[0]


async def test_malformed_bodies_get_400(dialogs, settings, sqlite_db):
    async with wecom_stack(dialogs, settings) as stack:
        cb = stack.callbacks
        params, _ = cb.seal(cb.text_xml("wangwu", "你好"))
        assert (await cb.post_raw(params, "not xml at all")).status == 400
        assert (await cb.post_raw(params, "<xml><ToUserName>x</ToUserName></xml>")).status == 400
        assert (await cb.post_raw({"nonce": "1"}, "<xml/>")).status == 400
        entity = '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>'
        assert (await cb.post_raw(params, entity)).status == 400
        # Correctly signed and encrypted, but the plaintext is not a WeCom message.
        assert (await cb.post("this is not xml")).status == 400
        assert (await cb.post("<xml><FromUserName>wangwu</FromUserName></xml>")).status == 400
        await stack.channel.drain()
        _nothing_happened(sqlite_db, stack)


async def test_answer_is_an_empty_200_and_the_reply_comes_through_the_api(dialogs, settings):
    async with wecom_stack(dialogs, settings) as stack:
        posted = await stack.callbacks.send_text("zhaoliu", "你好")
        assert posted.status == 200 and posted.body == ""
        await stack.channel.drain()
        texts = stack.fake.texts("zhaoliu")
        assert "欢迎" in texts[0] and "回复 1 服务菜单" in texts[0]


async def test_pictures_and_voice_get_a_friendly_text_only_note_with_the_choices_once(dialogs, settings):
    async with wecom_stack(dialogs, settings) as stack:
        params, body = stack.callbacks.seal(stack.callbacks.image_xml("sunqi"))
        for _ in range(2):  # WeCom retries a callback it thinks went unanswered
            assert (await stack.callbacks.post_raw(params, body)).status == 200
        await stack.channel.drain()
        [text] = stack.fake.texts("sunqi")
        assert text.startswith(t("text_only")) and "回复 1 服务菜单" in text


async def test_entering_the_app_shows_the_menu_and_other_events_are_ignored(dialogs, settings):
    async with wecom_stack(dialogs, settings) as stack:
        cb = stack.callbacks
        assert (await cb.post(cb.event_xml("zhouba", "enter_agent", EventKey=""))).status == 200
        assert (await cb.post(cb.event_xml("zhouba", "LOCATION", Latitude="31.2",
                                           Longitude="121.5", Precision="30"))).status == 200
        await stack.channel.drain()
        texts = stack.fake.texts("zhouba")
        assert len(texts) == 1 and "回复 1 服务菜单" in texts[0]
        keys = [b["key"] for b in stack.fake.cards("zhouba")[0]["button_list"]]
        assert {"browse", "search", "my", "help"} <= set(keys)


def test_cdata_helper_keeps_a_closing_marker():
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"
