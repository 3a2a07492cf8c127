"""Through `linli serve` as assembled: an organizer publishes a course in Telegram, and a resident
then finds it by search and signs up."""
from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.serve import run
from store.db import Database
from store.models import ClassSession, Course, Enrolment
from store.models.staff import ORGANIZER
from store.people import get_or_create_account
from store.roles import grant_role
from tests.cli.test_serve import serve_settings
from tests.fakes.telegram_api import FakeBotApi
from tests.support.workers import free_port

ORGANIZER_CHAT, RESIDENT_CHAT = 4242, 7001


def shown(message: dict) -> str:
    """A message's text with the labels of its buttons."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return "\n".join([message.get("text", "")] + [button["text"] for row in rows for button in row])


async def say(api: FakeBotApi, chat: int, text: str, expect: str) -> str:
    """Type a line in a private chat; the first answer sent after it that shows `expect`."""
    seen = len(api.sent_to(chat))
    api.push_text(chat, text)

    def answered() -> str | None:
        return next((shown(m) for m in api.sent_to(chat)[seen:] if expect in shown(m)), None)
    try:
        await api.wait_until(lambda: answered() is not None, timeout=20)
    except AssertionError:
        raise AssertionError(f"{text!r}: no {expect!r} in {[shown(m) for m in api.sent_to(chat)[seen:]]}") from None
    return answered()


async def test_an_organizer_publishes_in_telegram_and_a_resident_finds_and_signs_up(settings, tmp_path):
    async with FakeBotApi() as api:
        conf = serve_settings(settings, tmp_path, api, free_port())
        db = Database(conf.database.url)
        db.create_all()
        with db.session() as s:
            grant_role(s, get_or_create_account(s, "telegram", str(ORGANIZER_CHAT))[0].resident_id, ORGANIZER)
        stop = asyncio.Event()
        server = asyncio.create_task(run(conf, stop))
        try:
            await say(api, ORGANIZER_CHAT, "/start", "主菜单")
            for line, expect in (("发布课程", "第 1 步"), ("文化", "第 2 步"), ("书法", "第 3 步"),
                                 ("零基础毛笔书法", "第 4 步"), ("王老师", "第 5 步"), ("幸福社区文化家园", "第 6 步"),
                                 ("每周三 下午两点到三点半 共八次", "第 7 步"), ("20", "第 8 步"),
                                 ("不加标签", "第 9 步"), ("先到先得", "第 10 步"), ("0", "最后一步"),
                                 ("空位自动给候补", "请核对")):
                await say(api, ORGANIZER_CHAT, line, expect)
            await say(api, ORGANIZER_CHAT, "确认发布", "已发布【零基础毛笔书法】")

            await say(api, RESIDENT_CHAT, "/start", "欢迎")
            await say(api, RESIDENT_CHAT, "毛笔书法", "零基础毛笔书法")
            await say(api, RESIDENT_CHAT, "零基础毛笔书法", "王老师")
            await say(api, RESIDENT_CHAT, "报名", "确认报名")
            await say(api, RESIDENT_CHAT, "确认报名", "报名成功")
        finally:
            stop.set()
            await asyncio.wait_for(server, 30)
        with db.session() as s:
            course = s.exec(select(Course)).one()
            assert course.code.startswith("P") and len(s.exec(select(ClassSession)).all()) == 8
            assert [e.status for e in s.exec(select(Enrolment))] == ["confirmed"]
        db.dispose()
