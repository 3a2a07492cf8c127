"""On Telegram: a resident signs up with a companion, cancels, and the next one waiting is offered
the seats with 接受 / 放弃 buttons and takes them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import build_worker
from bot.handlers.telegram.sender import TelegramSender
from store.models import Course
from tests.conftest import START
from tests.handlers.test_telegram_chat import Resident, labels
from tests.support.catalog import add_course
from tests.support.replies import replies_settled
from tests.support.telegram_app import polling, telegram_settings

WANG, LI = 7201, 7202


@pytest.fixture
async def world(api, dialogs, settings, clock, sqlite_db):
    course = add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=2,
                        first_start=START + timedelta(days=3))
    with sqlite_db.session() as s:
        row = s.get(Course, course.id)
        row.companions_max, row.seat_offer = 1, "offer"
        s.add(row)
    conf = telegram_settings(settings, api)
    async with polling(dialogs, settings, api) as app:
        yield build_worker(sqlite_db, conf, {"telegram": TelegramSender(app.bot)}, clock=clock)


async def test_companion_seats_and_an_offer_taken_through_telegram(api, world):
    wang, li = Resident(api, WANG), Resident(api, LI, "李大爷")
    await wang.say("/start")
    await wang.say("书法")
    await wang.press("零基础毛笔书法")
    asked = await wang.press("报名")
    assert "您带几位同伴" in asked and labels(wang.last) == ["1. 就我自己", "2. 带 1 位同伴", "3. 返回"]
    assert "共 2 人，占 2 个名额" in await wang.press("带 1 位同伴")
    assert "报名成功" in await wang.press("确认报名")

    await li.say("/start")
    await li.say("书法")
    await li.press("零基础毛笔书法")
    await li.say("1")
    await li.press("就我自己")
    assert "排在第 1 位" in await li.say("1")

    await wang.press("我的报名")
    await wang.press("零基础毛笔书法")
    await wang.press("取消报名")
    assert "已取消" in await wang.press("确定取消")
    await replies_settled(world.db)
    await world.drain()
    offer = li.last
    assert "空出了 1 个名额" in offer["text"]
    assert labels(offer) == ["1. 接受", "2. 放弃"]
    assert "报名成功" in await li.press("接受", offer)
    assert "已经处理过了" in await li.press("放弃", offer)   # the old button, pressed again
