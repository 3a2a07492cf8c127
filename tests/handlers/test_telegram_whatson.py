"""近期活动 and 有名额时提醒我 on Telegram: the real python-telegram-bot against the fake Bot API."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import START
from tests.handlers.test_telegram_chat import Resident, labels
from tests.support.catalog import add_course

WANG, LI = 7101, 7102
SATURDAY = "12月5日（周六）09:00 杨式太极拳（24式）"


@pytest.fixture
def catalogue(sqlite_db):
    # Saturday 5 December 09:00 and Wednesday 2 December 19:00 in Shanghai.
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳（24式）", category="太极", section="体育", capacity=1,
               first_start=START + timedelta(days=4, hours=1), venue="杏林社区邻里中心", community="杏林社区",
               tags="免费 适合老年人")
    add_course(sqlite_db, "TY-GC-01", "广场舞基础", category="广场舞", section="体育",
               first_start=START + timedelta(days=1, hours=11))
    return sqlite_db


async def test_saturday_tai_chi_is_found_opened_and_watched_with_buttons(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    answer = await wang.say("周六的太极")
    assert "周六（12月5日）“太极”的活动，共 1 场" in answer
    assert "1. 12月5日（周六）09:00 杨式太极拳（24式）" in labels(wang.last)
    assert len(labels(wang.last)) <= 8
    course = await wang.press(SATURDAY)
    assert "【杨式太极拳（24式）】" in course and "标签：免费、适合老年人" in course
    li = Resident(api, LI, "李叔叔")
    await li.say("/start")
    await li.say("周六的太极")
    await li.press(SATURDAY)
    await li.press("报名")
    assert "报名成功" in await li.press("确认报名")
    await wang.say("周六的太极")
    full = await wang.press(SATURDAY)
    assert "名额已满" in full
    assert "空出名额时，会发消息告诉您一次" in await wang.press("有名额时提醒我")
    assert "不再提醒" in await wang.press("不用提醒了")


async def test_the_entry_under_more_services_opens_the_day_picker(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    await wang.press("更多服务")
    assert "近期活动" in [label.split(". ", 1)[1] for label in labels(wang.last)]
    await wang.press("近期活动")
    assert [label.split(". ", 1)[1] for label in labels(wang.last)][:4] == ["今天", "明天", "本周", "周末"]
    answer = await wang.press("明天")
    assert "明天（12月2日）的活动，共 1 场" in answer and "广场舞基础" in labels(wang.last)[0]

