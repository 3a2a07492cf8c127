"""On Telegram: sign up, the clock moves, reminders arrive with 请假/取消报名, the poll after class."""
from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.outbox_worker import OutboxWorker
from bot.app import build_worker
from bot.handlers.telegram.sender import TelegramSender
from tests.conftest import START
from tests.handlers.test_telegram_chat import Resident, labels
from tests.support.catalog import add_course
from tests.support.replies import replies_settled
from tests.support.telegram_app import polling, telegram_settings

WANG = 7101
FIRST = START + timedelta(days=1, hours=1)  # Wednesday 2 December, 09:00 in Shanghai


@pytest.fixture
async def world(api, dialogs, settings, clock, sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=5, first_start=FIRST,
               teacher="林秀兰老师", venue="和平街道文化站", address="和平街道幸福路 88 号")
    conf = telegram_settings(settings, api)
    async with polling(dialogs, settings, api) as app:
        yield build_worker(sqlite_db, conf, {"telegram": TelegramSender(app.bot)}, clock=clock)


async def deliver(worker: OutboxWorker, clock, when) -> None:
    """Move the clock and let the outbox send what is due."""
    await replies_settled(worker.db)
    clock.set(when)
    await worker.drain()


async def test_reminders_leave_poll_and_rating_through_telegram(api, world, clock):
    wang = Resident(api, WANG)
    await wang.say("/start")
    await wang.say("书法")
    await wang.press("零基础毛笔书法")
    await wang.press("报名")
    assert "报名成功" in await wang.press("确认报名")

    await deliver(world, clock, FIRST - timedelta(hours=24))
    reminder = wang.last
    assert "您明天有课" in reminder["text"] and "零基础毛笔书法" in reminder["text"]
    assert "和平街道文化站" in reminder["text"] and "林秀兰老师" in reminder["text"]
    assert labels(reminder)[:2] == ["1. 请假", "2. 取消报名"]
    assert "已为您请假" in await wang.press("请假", reminder)
    assert "已经请过假" in await wang.press("请假", reminder)  # the old button, pressed again

    seen = len(wang.seen)
    await deliver(world, clock, FIRST - timedelta(hours=1))
    assert len(wang.seen) == seen  # no 1-hour reminder for a class they took leave from

    second = FIRST + timedelta(weeks=1)
    await deliver(world, clock, second - timedelta(hours=1))
    assert "您今天有课" in wang.last["text"]
    await deliver(world, clock, second + timedelta(hours=2))
    poll = wang.last
    assert [label.split(". ")[1] for label in labels(poll)[:4]] == ["优", "良", "中", "差"]
    assert "谢谢您的评价（优）" in await wang.press("优", poll)
    assert "收到您的意见" in await wang.say("老师讲得很细致")
    assert "已经评价过了（优）" in await wang.press("良", poll)


async def test_cancelling_from_a_reminder_stops_the_next_ones(api, world, clock):
    wang = Resident(api, WANG)
    await wang.say("/start")
    await wang.say("书法")
    await wang.press("零基础毛笔书法")
    await wang.press("报名")
    await wang.press("确认报名")
    await deliver(world, clock, FIRST - timedelta(hours=24))
    assert "确定取消" in await wang.press("取消报名", wang.last)
    assert "已取消【零基础毛笔书法】的报名" in await wang.press("确定取消")
    seen = len(wang.seen)
    await deliver(world, clock, FIRST + timedelta(weeks=2))
    assert len(wang.seen) == seen
