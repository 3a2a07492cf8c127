"""The 公众号 callback: URL check, 安全模式 and plaintext, forged and stale and replayed and malformed posts."""
from __future__ import annotations

import time

from sqlmodel import func, select

from bot.texts import t
from store.models import ChannelAccount, DialogState, ProcessedUpdate
from tests.fakes.wechat_callbacks import sign
from tests.fakes.wechat_stack import TOKEN, wechat_stack

OPENID = "oWx_resident_0000000000001"


def _counts(db) -> tuple[int, int, int]:
    with db.session() as s:
        return tuple(s.exec(select(func.count()).select_from(table)).one()
                     for table in (ChannelAccount, ProcessedUpdate, DialogState))


async def test_the_url_check_answers_the_echostr_only_to_a_good_signature(dialogs, settings):
    async with wechat_stack(dialogs, settings) as stack:
        assert await stack.callbacks.verify_url("echo-4711") == (200, "echo-4711")
        assert (await stack.callbacks.verify_url("echo-4711", token="not-our-token"))[0] == 403


async def test_a_new_follower_is_greeted_in_the_encrypted_http_answer(dialogs, settings):
    async with wechat_stack(dialogs, settings) as stack:
        posted = await stack.event(stack.callbacks.subscribe(OPENID))
        assert posted.status == 200
        assert "<Encrypt>" in posted.body and "欢迎" not in posted.body  # 安全模式: sealed
        assert "欢迎" in posted.reply and "1. " in posted.reply
        assert stack.fake.custom == {}


async def test_plaintext_mode_answers_in_plain_xml(dialogs, settings):
    async with wechat_stack(dialogs, settings, encrypted=False) as stack:
        posted = await stack.say(OPENID, "你好")
        assert posted.status == 200 and "欢迎" in posted.body and "欢迎" in posted.reply


async def test_forged_stale_and_unsealed_posts_are_refused_and_change_nothing(dialogs, settings):
    async with wechat_stack(dialogs, settings) as stack:
        cb = stack.callbacks
        before = _counts(dialogs.db)
        params, body = cb.seal(cb.text_xml(OPENID, "书法"))
        assert (await cb.post_raw(dict(params, signature="0" * 40), body)).status == 403
        assert (await cb.post_raw(dict(params, msg_signature="0" * 40), body)).status == 403
        stale = int(time.time()) - 3600
        assert (await cb.post(cb.text_xml(OPENID, "书法"), timestamp=stale)).status == 403
        plain = {k: v for k, v in params.items() if k not in ("encrypt_type", "msg_signature")}
        assert (await cb.post_raw(plain, cb.text_xml(OPENID, "书法"))).status == 403
        assert (await cb.post_raw({k: v for k, v in params.items() if k != "nonce"}, body)).status == 400
        await stack.channel.drain()
        assert _counts(dialogs.db) == before


async def test_malformed_bodies_are_refused(dialogs, settings):
    async with wechat_stack(dialogs, settings, encrypted=False) as stack:
        cb = stack.callbacks
        before = _counts(dialogs.db)
        stamp, nonce = str(int(time.time())), "123"
        params = {"signature": sign(TOKEN, stamp, nonce), "timestamp": stamp, "nonce": nonce}
        for body in ("<xml><unclosed>", "not xml at all", "<xml><MsgType>text</MsgType></xml>",
                     '<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>',
                     f"<xml><FromUserName>{OPENID}</FromUserName><MsgType>text</MsgType>"
                     "<Content>no MsgId</Content></xml>"):
            assert (await cb.post_raw(params, body)).status == 400, body
        assert _counts(dialogs.db) == before


async def test_a_replayed_message_is_answered_once(dialogs, settings):
    async with wechat_stack(dialogs, settings) as stack:
        cb = stack.callbacks
        await stack.event(cb.subscribe(OPENID))
        params, body = cb.seal(cb.text_xml(OPENID, "书法"))
        first = await cb.post_raw(params, body)
        again = await cb.post_raw(params, body)
        await stack.channel.drain()
        assert first.reply and again.status == 200 and again.body == "success"


async def test_pictures_get_a_text_only_note_with_the_choices_once(dialogs, settings):
    async with wechat_stack(dialogs, settings) as stack:
        cb = stack.callbacks
        params, body = cb.seal(cb.image_xml(OPENID))
        reply = (await cb.post_raw(params, body)).reply
        assert reply.startswith(t("text_only")) and "服务菜单" in reply
        assert (await cb.post_raw(params, body)).body == "success"


async def test_unfollowing_marks_the_account_unreachable(dialogs, settings):
    async with wechat_stack(dialogs, settings) as stack:
        await stack.event(stack.callbacks.subscribe(OPENID))
        posted = await stack.event(stack.callbacks.unsubscribe(OPENID))
        assert posted.body == "success"
        with dialogs.db.session() as s:
            account = s.exec(select(ChannelAccount).where(ChannelAccount.external_id == OPENID)).one()
            assert account.unreachable
