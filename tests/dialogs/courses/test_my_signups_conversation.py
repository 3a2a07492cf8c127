"""我的报名: each course by name; choosing one shows the next session, the place and the teacher,
with 请假 for that session, 取消报名 and a way back. No number on a screen does two things."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.handlers.console import ConsoleChat
from bot.messages import Incoming
from store.models import SessionLeave
from tests.conftest import START
from tests.support.catalog import add_course


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=1,
               first_start=START + timedelta(days=1, hours=1), teacher="林秀兰老师",
               venue="和平街道文化站", address="和平街道幸福路 88 号")
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳（24式）", category="太极", section="体育",
               first_start=START + timedelta(days=2), teacher="赵德胜老师")
    return sqlite_db


def signed_up(dialogs, user: str, *codes: str) -> ConsoleChat:
    chat = ConsoleChat(dialogs, user)
    chat.say("/start")
    for code in codes:
        dialogs.handle(Incoming("console", user, payload=f"suy:{code}"))
    return chat


def test_each_course_by_name_opens_with_leave_and_cancel(dialogs, catalogue):
    wang = signed_up(dialogs, "wang", "WH-SF-01", "TY-TJ-01")
    mine = wang.say("我的报名")
    assert mine.endswith("1. 零基础毛笔书法\n2. 杨式太极拳（24式）\n3. 主菜单")
    course = wang.say("1")
    assert course == ("【零基础毛笔书法】\n您已报名。\n下次上课：12月2日（周三）09:00–10:30\n"
                      "地点：和平街道文化站（和平街道幸福路 88 号）\n讲师：林秀兰老师\n\n"
                      "1. 请假（12月2日）\n2. 取消报名\n3. 返回我的报名\n4. 主菜单")
    assert "已为您请假：【零基础毛笔书法】12月2日（周三）09:00–10:30" in wang.say("请假")
    with dialogs.db.session() as s:
        assert len(s.exec(select(SessionLeave)).all()) == 1
    wang.say("我的报名")
    again = wang.say("零基础毛笔书法")
    assert "下次课您已请假" in again and "请假（" not in again     # no second 请假 for the same session
    assert "1. 取消报名\n2. 返回我的报名\n3. 主菜单" in again


def test_the_waiting_list_shows_its_place_and_cancel_keeps_a_way_back(dialogs, catalogue):
    signed_up(dialogs, "wang", "WH-SF-01")
    li = signed_up(dialogs, "li", "WH-SF-01")
    assert li.say("我的报名").endswith("1. 零基础毛笔书法 · 候补第1位\n2. 主菜单")
    waiting = li.say("1")
    assert "您在候补名单第 1 位" in waiting and "1. 取消候补\n2. 返回我的报名\n3. 主菜单" in waiting
    assert "确定取消【零基础毛笔书法】的报名吗" in li.say("取消候补")
    assert "【零基础毛笔书法】" in li.say("不取消")                  # back to the course, nothing changed
    assert "我的报名（共 1 门）" in li.say("返回我的报名")


def test_someone_elses_place_reads_as_missing(dialogs, catalogue):
    signed_up(dialogs, "wang", "WH-SF-01")
    zhao = signed_up(dialogs, "zhao")
    [reply] = dialogs.handle(Incoming("console", "zhao", payload="myp:1"))
    assert reply.text == "没有找到这条报名记录。"
    assert "您还没有报名" in zhao.say("我的报名")
