"""Reminders before class as a resident sees them: 请假, 取消报名, and switching them off."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Incoming
from bot.handlers.console import ConsoleChat, render_reply
from store.catalog import sessions_of
from store.models import ClassSession, Course, Venue
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due, pending_keys
from tests.support.catalog import add_course

FIRST = START + timedelta(days=1, hours=1)  # Wednesday 2 December, 09:00–10:30 in Shanghai


@pytest.fixture
def course(sqlite_db):
    return add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", capacity=1, first_start=FIRST,
                      sessions=2, teacher="林秀兰老师", venue="和平街道文化站",
                      address="和平街道幸福路 88 号")


@pytest.fixture
def chat(dialogs, course):
    chat = ConsoleChat(dialogs, "resident-1")
    for text in ("/start", "1", "1", "1", "1", "1"):
        chat.say(text)
    assert "报名成功" in chat.say("1")
    return chat


def session_ids(db, course_id: int) -> list[int]:
    with db.session() as s:
        return [c.id for c in sessions_of(s, course_id)]


def test_reminders_arrive_and_a_typed_number_takes_leave(chat, dialogs, clock, course):
    first, second = session_ids(dialogs.db, course.id)
    clock.set(FIRST - timedelta(hours=24))
    [(kind, day_before)] = deliver_due(dialogs, chat.user_id)
    assert kind == "reminder" and "您明天有课" in day_before.text
    clock.set(FIRST - timedelta(hours=1))
    [(kind, hour_before)] = deliver_due(dialogs, chat.user_id)
    shown = render_reply(hour_before)
    for line in ("您今天有课", "【零基础毛笔书法】", "时间：12月2日（周三）09:00–10:30",
                 "地点：和平街道文化站（和平街道幸福路 88 号）", "讲师：林秀兰老师",
                 "1. 请假", "2. 取消报名"):
        assert line in shown
    answer = chat.say("1")
    assert "已为您请假" in answer and "12月2日（周三）09:00–10:30" in answer
    again = dialogs.handle(Incoming("console", chat.user_id, payload=f"lv:{first}"))
    assert "已经请过假" in again[0].text
    clock.set(FIRST + timedelta(hours=2))
    assert deliver_due(dialogs, chat.user_id) == []  # away that day: no poll
    clock.set(FIRST + timedelta(weeks=1, hours=-24))
    [(kind, next_week)] = deliver_due(dialogs, chat.user_id)
    assert kind == "reminder" and "您明天有课" in next_week.text


def test_leave_from_the_day_before_drops_the_hour_before(chat, dialogs, clock, course):
    first, second = session_ids(dialogs.db, course.id)
    clock.set(FIRST - timedelta(hours=24))
    deliver_due(dialogs, chat.user_id)
    assert "已为您请假" in chat.say("1")
    clock.set(FIRST - timedelta(hours=1))
    assert deliver_due(dialogs, chat.user_id) == []
    clock.set(FIRST + timedelta(weeks=1, hours=-1))  # the day before's reminder is late: only the hour's goes
    pushes = deliver_due(dialogs, chat.user_id)
    assert [kind for kind, _ in pushes] == ["reminder", "reminder"] and pushes[0][1] is None
    assert "12月9日" in pushes[1][1].text


def test_cancel_from_the_reminder_promotes_the_next_in_line(chat, dialogs, clock):
    waiting = ConsoleChat(dialogs, "resident-2")
    waiting.dialogs.handle(Incoming("console", "resident-2", payload="suy:WH-SF-01"))
    assert pending_keys(dialogs, "resident-2") == []
    clock.set(FIRST - timedelta(hours=24))
    deliver_due(dialogs, chat.user_id)
    assert "确定取消【零基础毛笔书法】" in chat.say("2")
    assert "已取消【零基础毛笔书法】的报名" in chat.say("1")
    assert pending_keys(dialogs, chat.user_id) == []
    pushes = deliver_due(dialogs, "resident-2")
    assert [kind for kind, _ in pushes] == ["promotion"] and "好消息" in pushes[0][1].text
    clock.set(FIRST - timedelta(hours=1))
    [(kind, reminder)] = deliver_due(dialogs, "resident-2")
    assert kind == "reminder" and "请假" in render_reply(reminder)


def test_a_late_day_before_reminder_is_dropped_when_the_hour_before_is_due(chat, dialogs, clock):
    clock.set(FIRST - timedelta(minutes=50))  # nothing was sent yesterday (the sender was down)
    pushes = deliver_due(dialogs, chat.user_id)
    assert [kind for kind, _ in pushes] == ["reminder", "reminder"]
    assert pushes[0][1] is None and "您今天有课" in pushes[1][1].text


def test_reminder_shows_the_venue_and_time_as_they_are_when_sent(chat, dialogs, clock, course):
    first, _ = session_ids(dialogs.db, course.id)
    with dialogs.db.session() as s:
        venue = s.get(Venue, s.get(Course, course.id).venue_id)
        venue.name, venue.address = "和平街道市民中心", "和平街道安康路 6 号"
        cls = s.get(ClassSession, first)
        cls.starts_at += timedelta(minutes=30)
        cls.ends_at += timedelta(minutes=30)
        s.add_all([venue, cls])
    clock.set(FIRST - timedelta(hours=1))
    reminder = deliver_due(dialogs, chat.user_id)[-1][1]
    assert "和平街道市民中心（和平街道安康路 6 号）" in reminder.text
    assert "09:30–11:00" in reminder.text


def test_settings_switch_reminders_off_and_on(chat, dialogs, clock, course):
    assert "更多服务" in chat.say("菜单")
    assert ". 设置" in chat.say("更多服务")
    screen = chat.say("/settings")
    assert "上课提醒：已开启" in screen and "1. 关闭上课提醒" in screen
    assert "已关闭上课提醒" in chat.say("1")
    clock.set(FIRST - timedelta(hours=24))
    assert deliver_due(dialogs, chat.user_id) == []
    clock.set(FIRST + timedelta(hours=2))
    [(kind, poll)] = deliver_due(dialogs, chat.user_id)
    assert kind == "poll" and "您觉得怎么样" in poll.text  # polls still go
    screen = chat.say("设置")
    assert "上课提醒：已关闭" in screen and "1. 开启上课提醒" in screen
    assert "每次课前 1 天、1 小时各提醒您一次" in chat.say("1")
    clock.set(FIRST + timedelta(weeks=1, hours=-24))
    [(kind, reminder)] = deliver_due(dialogs, chat.user_id)
    assert kind == "reminder" and "您明天有课" in reminder.text


def test_course_reminders_switched_off_after_sign_up_are_not_sent(chat, dialogs, clock, course):
    with dialogs.db.session() as s:
        row = s.get(Course, course.id)
        row.reminders_on = False
        s.add(row)
    clock.set(FIRST - timedelta(hours=1))
    assert deliver_due(dialogs, chat.user_id) == []


def test_leave_for_someone_elses_course_or_a_past_session_is_refused(chat, dialogs, clock, course):
    first, _ = session_ids(dialogs.db, course.id)
    stranger = dialogs.handle(Incoming("console", "stranger", payload=f"lv:{first}"))
    assert "没有这门课的名额" in stranger[-1].text
    clock.set(FIRST + timedelta(minutes=5))
    late = dialogs.handle(Incoming("console", chat.user_id, payload=f"lv:{first}"))
    assert "已经开始了" in late[0].text
    for payload in ("lv:", "lv:abc", "lv:999999", "set:rem", "set:rem:maybe"):
        replies = dialogs.handle(Incoming("console", chat.user_id, payload=payload))
        assert replies and replies[0].text and "系统繁忙" not in replies[0].text


def test_early_class_reminder_comes_the_evening_before(dialogs, clock, sqlite_db):
    early = START + timedelta(days=2, minutes=30)  # Thursday 08:30 in Shanghai
    add_course(sqlite_db, "TY-TJ-01", "晨练太极", category="太极", section="体育", first_start=early,
               sessions=1)
    chat = ConsoleChat(dialogs, "early-bird")
    dialogs.handle(Incoming("console", chat.user_id, payload="suy:TY-TJ-01"))
    clock.set(early - timedelta(hours=24))
    assert "您明天有课" in deliver_due(dialogs, chat.user_id)[0][1].text
    clock.set(early - timedelta(hours=11, minutes=30))  # Wednesday 21:00, before quiet hours
    [(kind, reminder)] = deliver_due(dialogs, chat.user_id)
    assert kind == "reminder" and "您明天有课" in reminder.text and "08:30" in reminder.text
    assert "已为您请假" in chat.say("1")
