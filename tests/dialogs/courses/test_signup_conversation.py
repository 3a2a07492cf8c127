"""A resident's conversation in the terminal, as they would see it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Incoming
from bot.handlers.console import ConsoleChat
from tests.conftest import START
from tests.support.catalog import add_course


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=2,
               first_start=START + timedelta(days=1, hours=1), teacher="林秀兰老师",
               venue="和平街道文化站", address="和平街道幸福路 88 号", description="从握笔开始。")
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳（24式）", category="太极", section="体育",
               first_start=START + timedelta(days=2), teacher="赵德胜老师")
    return sqlite_db


@pytest.fixture
def chat(dialogs, catalogue):
    return ConsoleChat(dialogs, "resident-1")


def test_first_message_gets_greeting_and_menu(chat):
    answer = chat.say("在吗")
    assert "欢迎" in answer
    for line in ("1. 服务菜单", "2. 搜索", "3. 我的报名", "4. 帮助"):
        assert line in answer


def test_browse_open_course_and_sign_up_by_numbers(chat):
    chat.say("/start")
    assert "1. 文化" in chat.say("1")             # 服务菜单
    assert "1. 书法 · 1门课" in chat.say("1")     # 文化
    assert "1. 零基础毛笔书法" in chat.say("1")    # 书法
    page = chat.say("1")                          # the course
    assert "讲师：林秀兰老师" in page
    assert "和平街道文化站（和平街道幸福路 88 号）" in page
    assert "12月2日（周三）09:00–10:30" in page      # 01:00 UTC is 09:00 in Shanghai
    assert "还剩 2 个名额（共 2 个）" in page
    assert "1. 报名" in page
    confirm = chat.say("1")
    assert "确认报名【零基础毛笔书法】" in confirm and "共 4 次课" in confirm
    done = chat.say("1")
    assert "报名成功" in done and "12月2日（周三）09:00" in done and "和平街道幸福路 88 号" in done


def test_signing_up_twice_says_already(chat):
    for text in ("/start", "1", "1", "1", "1", "1", "1"):
        chat.say(text)
    # An old 确认报名 button pressed again.
    again = chat.dialogs.handle(Incoming("console", "resident-1", payload="suy:WH-SF-01"))
    assert "已经报名" in again[0].text


def test_full_course_puts_the_next_resident_on_the_waiting_list(dialogs, catalogue):
    for user in ("a", "b", "c"):
        chat = ConsoleChat(dialogs, user)
        chat.say("/start")
        answer = "\n".join(chat.say(x) for x in ("书法", "1", "1", "1"))
    assert "名额已满" in answer and "候补" in answer and "第 1 位" in answer


def test_my_signups_lists_and_cancels_and_promotes(dialogs, catalogue):
    first, second, third = (ConsoleChat(dialogs, u) for u in ("a", "b", "c"))
    for chat in (first, second, third):
        chat.dialogs.handle(Incoming("console", chat.user_id, payload="suy:WH-SF-01"))
    mine = first.say("我的报名")
    assert "1. 零基础毛笔书法\n2. 主菜单" in mine       # the course by name, nothing else on 1
    waiting = third.say("我的报名")
    assert "1. 零基础毛笔书法 · 候补第1位" in waiting
    course = first.say("1")
    for line in ("您已报名", "下次上课：12月2日（周三）09:00–10:30", "和平街道文化站（和平街道幸福路 88 号）",
                 "讲师：林秀兰老师", "1. 请假（12月2日）", "2. 取消报名", "3. 返回我的报名", "4. 主菜单"):
        assert line in course
    assert "确定取消" in first.say("2")
    assert "已取消【零基础毛笔书法】的报名" in first.say("1")
    promoted = third.say("我的报名")
    assert "1. 零基础毛笔书法\n" in promoted and "候补" not in promoted
    assert "您已报名" in third.say("1")
    assert "您还没有报名" in first.say("我的报名")


def test_out_of_range_number_repeats_the_screen(chat):
    chat.say("/start")
    answer = chat.say("9")
    assert "没有第 9 项" in answer and "1. 服务菜单" in answer


def test_help_explains_what_to_type(chat):
    chat.say("/start")
    answer = chat.say("帮助")
    assert "回复选项前面的数字" in answer and "1. 服务菜单" in answer


def test_unknown_command_gets_a_friendly_menu(chat):
    chat.say("/start")
    answer = chat.say("/foo")
    assert "没有这个指令" in answer and "1. 服务菜单" in answer


@pytest.mark.parametrize("query", ["书法", "shufa", "sf", "书发", "毛笔"])
def test_typed_search_finds_the_course(chat, query):
    chat.say("/start")
    answer = chat.say(query)
    assert "零基础毛笔书法" in answer


def test_synonym_search_finds_taiji(chat):
    chat.say("/start")
    assert "杨式太极拳" in chat.say("打太极")


def test_search_for_nonsense_says_nothing_found_with_menu(chat):
    chat.say("/start")
    answer = chat.say("qqqxxzzkk")
    assert "没找到" in answer and "1. 服务菜单" in answer


def test_paging_shows_at_most_eight_choices_and_next_page(dialogs, sqlite_db):
    for i in range(11):
        add_course(sqlite_db, f"WH-SF-{i:02d}", f"书法班{i:02d}", first_start=START + timedelta(days=3))
    chat = ConsoleChat(dialogs, "pager")
    chat.say("/start")
    chat.say("1")
    chat.say("1")
    page1 = chat.say("1")
    assert "4. 书法班03\n5. 下一页\n6. 返回\n7. 有新课时提醒我\n8. 主菜单" in page1 and "书法班04" not in page1
    page2 = chat.say("5")
    assert "1. 书法班04" in page2 and "4. 下一页\n5. 上一页\n6. 返回\n7. 有新课时提醒我\n8. 主菜单" in page2
    assert "第 2/3 页" in page2
    page3 = chat.say("下一页")
    assert "1. 书法班07" in page3 and "4. 书法班10\n5. 上一页" in page3 and "第 3/3 页" in page3


def test_forged_payload_gets_a_clear_answer(dialogs, catalogue):
    dialogs.handle(Incoming("console", "x", text="hi"))
    for payload in ("cxy:999999", "crs:NOPE", "cat:abc", "sec:月球", "zzz:1", "cxy:", "su:"):
        replies = dialogs.handle(Incoming("console", "x", payload=payload))
        assert replies and replies[0].text and "系统繁忙" not in replies[0].text
