"""Broken, hostile or forged bodies at the 公众号 callback: a 4xx, never a 500, and the store unchanged."""
from __future__ import annotations

import pytest

from tests.handlers.test_bad_http_bodies import _wecom_bodies, refused_politely, snapshot
from tests.fakes.wechat_stack import wechat_stack

OPENID = "oWx_hostile_000000000000001"


@pytest.mark.parametrize("encrypted", [True, False], ids=["安全模式", "明文模式"])
async def test_broken_and_forged_wechat_callbacks_get_4xx_and_change_nothing(dialogs, settings, sqlite_db,
                                                                             encrypted):
    async with wechat_stack(dialogs, settings, encrypted=encrypted) as stack:
        cb = stack.callbacks
        params, good_body = cb.seal(cb.text_xml(OPENID, "你好"))
        encrypt = good_body.split("<Encrypt><![CDATA[")[1].split("]]>")[0] if encrypted else "abc"
        before = snapshot(sqlite_db)
        statuses = {}
        for name, body in _wecom_bodies(cb.account, encrypt).items():
            statuses[name] = (await cb.post_raw(params, body)).status
        for name, changes in {
            "no signature": {"signature": None}, "no timestamp": {"timestamp": None},
            "no nonce": {"nonce": None}, "empty signature": {"signature": ""},
            "signature not hex": {"signature": "内" * 40}, "timestamp not a number": {"timestamp": "abc"},
            "timestamp superscript": {"timestamp": "²"}, "timestamp huge": {"timestamp": "9" * 5000},
            "timestamp negative": {"timestamp": "-1"}, "another nonce": {"nonce": params["nonce"] + "1"},
        }.items():
            changed = {k: v for k, v in {**params, **changes}.items() if v is not None}
            statuses[name] = (await cb.post_raw(changed, good_body)).status
        # Correctly signed (and sealed), but what is inside is no WeChat message.
        for name, plain in {"signed nothing": "", "signed text": "this is not xml",
                            "signed empty xml": "<xml/>", "signed no sender": "<xml><MsgType>text</MsgType></xml>",
                            "signed entity": '<!DOCTYPE x [<!ENTITY e "e">]><xml>&e;</xml>'}.items():
            if encrypted:
                statuses[name] = (await cb.post_raw(*cb.seal_raw(plain))).status
            else:
                statuses[name] = (await cb.post_raw(params, plain)).status
        await stack.channel.drain()
        broken = {name: status for name, status in statuses.items() if not refused_politely(status)}
        assert not broken, broken
        assert snapshot(sqlite_db) == before
        assert not stack.fake.custom


async def test_a_broken_url_check_gets_a_4xx(dialogs, settings):
    async with wechat_stack(dialogs, settings) as stack:
        assert (await stack.callbacks.verify_url("x", token="forged"))[0] == 403
