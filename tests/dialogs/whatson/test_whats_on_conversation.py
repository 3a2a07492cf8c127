"""近期活动 as a resident sees it: sessions by day, weekend, week, part of the day, subject and
community, in time order; 我的社区 chosen once; tags shown and searchable.

The clock stands at Tuesday 1 December 2026, 08:00 in Shanghai."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.people import console_person

LOCAL = timedelta(hours=8)  # Shanghai is UTC+8


def local(day: int, hour: int, minute: int = 0):
    """A December 2026 Shanghai time as the naive UTC the store keeps."""
    return START.replace(day=day, hour=hour, minute=minute) - LOCAL


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-HC-01", "社区合唱团", category="合唱", first_start=local(1, 15),
               venue="幸福社区党群服务中心", community="幸福社区")
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", first_start=local(2, 9),
               venue="和平街道文化站", community="建设社区")
    add_course(sqlite_db, "TY-GC-01", "广场舞基础", category="广场舞", section="体育", first_start=local(2, 19),
               venue="幸福社区党群服务中心", community="幸福社区")
    add_course(sqlite_db, "WH-SF-02", "硬笔书法", category="书法", first_start=local(3, 14),
               venue="和平街道文化站", community="建设社区")
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳（24式）", category="太极", section="体育",
               first_start=local(5, 9), venue="杏林社区邻里中心", community="杏林社区",
               tags="免费 适合老年人")
    add_course(sqlite_db, "WH-SF-03", "春联书写", category="书法", first_start=local(6, 14),
               venue="幸福社区党群服务中心", community="幸福社区")
    return sqlite_db


@pytest.fixture
def wang(dialogs, catalogue):
    return console_person(dialogs, "wang")


def numbered(answer: str) -> list[str]:
    """The numbered lines of an answer, without their numbers."""
    return [line.split(". ", 1)[1] for line in answer.splitlines() if line[:1].isdigit() and ". " in line]


def number_of(label: str, answer: str) -> str:
    """The number in front of the choice that starts with label."""
    for line in answer.splitlines():
        if ". " in line and line.split(". ", 1)[1].startswith(label):
            return line.split(". ", 1)[0]
    raise AssertionError(f"no choice {label!r} in:\n{answer}")


def test_this_week_lists_every_session_in_time_order_a_page_at_a_time(wang):
    first = wang.say("这周有什么活动")
    assert "本周（12月1日–12月6日）的活动，共 6 场" in first
    assert numbered(first)[:5] == [
        "12月1日（周二）15:00 社区合唱团",
        "12月2日（周三）09:00 零基础毛笔书法",
        "12月2日（周三）19:00 广场舞基础",
        "12月3日（周四）14:00 硬笔书法",
        "12月5日（周六）09:00 杨式太极拳（24式）",
    ]
    assert len(numbered(first)) <= 8 and "下一页" in numbered(first) and "返回" in numbered(first)
    second = wang.say(number_of("下一页", first))
    assert numbered(second)[0] == "12月6日（周日）14:00 春联书写"
    assert "上一页" in numbered(second) and len(numbered(second)) <= 8


def test_choosing_a_session_opens_its_course(wang):
    answer = wang.say("明天")
    assert "明天（12月2日）的活动，共 2 场" in answer
    assert numbered(answer)[:2] == ["12月2日（周三）09:00 零基础毛笔书法", "12月2日（周三）19:00 广场舞基础"]
    course = wang.say("2")
    assert "【广场舞基础】" in course and "讲师：王老师" in course


def test_a_weekday_means_the_coming_one(wang):
    answer = wang.say("周六")
    assert "周六（12月5日）的活动，共 1 场" in answer
    assert numbered(answer)[0] == "12月5日（周六）09:00 杨式太极拳（24式）"
    assert "星期三（" not in wang.say("星期三") and "12月2日" in wang.say("星期三")
    assert "周日（12月6日）" in wang.say("礼拜天")


def test_a_time_word_with_a_subject_finds_that_subject_then(wang):
    answer = wang.say("周六的太极")
    assert "周六（12月5日）“太极”的活动，共 1 场" in answer
    assert numbered(answer)[0].endswith("杨式太极拳（24式）")
    weekend = wang.say("这周末书法")
    assert numbered(weekend)[0] == "12月6日（周日）14:00 春联书写"
    assert "太极" not in weekend
    none = wang.say("周六的书法")
    assert "周六（12月5日）“书法”没有安排活动" in none
    assert "12月5日（周六）09:00 杨式太极拳（24式）" in wang.say(number_of("看看周六全部活动", none))


def test_a_part_of_the_day_narrows_the_day(wang):
    answer = wang.say("明天上午有什么课")
    assert "明天上午（12月2日）的活动，共 1 场" in answer
    assert numbered(answer)[0] == "12月2日（周三）09:00 零基础毛笔书法"
    assert "广场舞" not in answer
    assert "广场舞基础" in wang.say("明天晚上")


def test_today_leaves_out_what_is_over(wang, clock):
    clock.advance(hours=9)  # 17:00 in Shanghai: the choir (15:00–16:30) is over
    assert "今天（12月1日）没有安排活动" in wang.say("今天")


def test_a_community_name_lists_what_is_on_there(wang):
    answer = wang.say("幸福社区")
    assert "近两周（12月1日–12月14日）幸福社区的活动" in answer
    titles = numbered(answer)
    assert titles[0] == "12月1日（周二）15:00 社区合唱团"
    assert not any("书法" in t and "春联" not in t for t in titles)
    assert "杏林社区的活动" in wang.say("杏林社区有什么活动")


def test_my_community_is_chosen_once_in_settings_and_used_from_the_menu(wang):
    menu = wang.say("更多服务")
    assert numbered(menu)[0] == "近期活动"
    picker = wang.say(number_of("近期活动", menu))
    assert numbered(picker) == ["今天", "明天", "本周", "周末", "选择我的社区", "主菜单"]
    settings = wang.say("设置")
    chooser = wang.say(number_of("选择我的社区", settings))
    assert "现在：未选择" in chooser
    assert {"幸福社区", "建设社区", "杏林社区"} <= set(numbered(chooser)) and len(numbered(chooser)) <= 8
    chosen = wang.say(number_of("幸福社区", chooser))
    assert "您的社区是【幸福社区】" in chosen
    assert "我的社区：幸福社区" in numbered(wang.say("设置"))
    picker = wang.say("近期活动")
    mine = wang.say(number_of("我的社区：幸福社区", picker))
    assert "幸福社区的活动" in mine and "零基础毛笔书法" not in mine
    assert "幸福社区的活动" in wang.say("我的社区有什么活动")
    changed = wang.say(number_of("杏林社区", wang.say("我的社区")))
    assert "您的社区是【杏林社区】" in changed


def test_my_community_before_choosing_one_asks_for_it(wang):
    answer = wang.say("我的社区有什么活动")
    assert "您还没选“我的社区”" in answer
    assert "幸福社区" in wang.say(number_of("选择我的社区", answer))


def test_tags_are_shown_on_the_course_and_found_by_search(wang):
    found = wang.say("免费")
    assert "杨式太极拳（24式）" in numbered(found)
    course = wang.say(number_of("杨式太极拳", found))
    assert "标签：免费、适合老年人" in course
    assert "杨式太极拳（24式）" in numbered(wang.say("适合老年人"))


def test_plain_search_still_searches(wang):
    answer = wang.say("毛笔")
    assert "为您找到这些" in answer and "零基础毛笔书法" in answer


def test_an_old_or_forged_whats_on_button_is_answered(wang, dialogs):
    from bot.messages import Incoming
    from bot.handlers.console import render_reply
    for payload in ("wo:yesterday", "wo:d9:1", "wo:week:abc", "comm:1:99"):
        replies = dialogs.handle(Incoming("console", "wang", payload=payload))
        assert replies and "Traceback" not in render_reply(replies[0])


def test_on_the_demo_catalogue_free_courses_and_a_community_are_found(dialogs):
    from store.demo import load_demo
    load_demo(dialogs.db, now=START)
    wang = console_person(dialogs, "wang")
    free = numbered(wang.say("免费"))
    assert "杨式太极拳（24式）" in free and "防范电信诈骗：手机安全课" in free
    assert "标签：免费、太极拳、24式、入门" in wang.say(number_of("杨式太极拳", wang.say("免费")))
    week = wang.say("本周活动")
    assert "本周（12月1日–12月6日）的活动" in week and len(numbered(week)) <= 8
    here = wang.say("幸福社区")
    assert "幸福社区的活动" in here and len(numbered(here)) <= 8
