"""管理课程 in the chat: an organizer moves, stops and adds a session, messages the class and closes
the course; each change reaches the residents holding a seat through the outbox, reminders follow
the sessions, and everything lands in the audit log."""
from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.app import import_catalogue
from bot.handlers.console import ConsoleChat, render_reply
from bot.messages import Incoming
from store.models import AuditEntry, ClassSession, Course, Enrolment, Venue
from store.models.staff import ORGANIZER
from store.people import get_or_create_account
from store.roles import grant_role
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due, pending_keys, planned_reminder_times
from tests.support.people import console_person

HEADER = ["course_code", "section", "category", "title", "teacher", "venue", "starts_at", "ends_at", "capacity"]
COURSE = ["WH-SF-01", "文化", "书法", "零基础毛笔书法", "林秀兰老师", "和平街道文化站"]
SESSIONS = [["2026-12-02 09:00", "2026-12-02 10:30"], ["2026-12-09 09:00", "2026-12-09 10:30"]]


@pytest.fixture
def course(dialogs, settings, tmp_path):
    path = tmp_path / "catalog.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER] + [COURSE + times + ["1"] for times in SESSIONS])
    import_catalogue(dialogs.db, settings, path, now=dialogs.clock.now())


def signed_up(dialogs, user: str, answer: str) -> ConsoleChat:
    chat = console_person(dialogs, user)
    assert answer in render_reply(dialogs.handle(Incoming("console", user, payload="suy:WH-SF-01"))[0])
    return chat


@pytest.fixture
def people(dialogs, course):
    """wang holds the one seat, li waits, the organizer is at the course's screen."""
    signed_up(dialogs, "wang", "报名成功")
    signed_up(dialogs, "li", "候补")
    boss = console_person(dialogs, "boss", ORGANIZER)
    assert "零基础毛笔书法（WH-SF-01）" in boss.say("管理课程")
    screen = boss.say("1")
    assert "已报名 1/1 人，候补 1 人" in screen and "还有 2 次课没上" in screen
    return boss


def reminder_due_times(dialogs, user):
    return planned_reminder_times(dialogs, user)


def actions(dialogs) -> list[str]:
    with dialogs.db.session() as s:
        return list(s.exec(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_moving_a_session_tells_the_class_and_its_reminders_follow(dialogs, people, clock):
    boss = people
    before = reminder_due_times(dialogs, "wang")
    assert "改哪一次课" in boss.say("调课")
    assert "改到什么时间" in boss.say("2")                     # 12月9日
    assert "请写一个日期和时间段" in boss.say("下周吧")
    assert "已经过了" in boss.say("11月30日 14:00-15:30")
    confirm = boss.say("12月10日 下午两点到三点半")
    assert "原定" not in confirm and "12月9日（周三）09:00–10:30 的课改到 12月10日（周四）14:00–15:30" in confirm
    assert "通知 1 位已报名的学员" in confirm
    assert deliver_due(dialogs, "wang") == []                  # nothing happens before 确认
    assert "已调课，已通知 1 位学员" in boss.say("确认")
    [(kind, notice)] = deliver_due(dialogs, "wang")
    assert kind == "schedule_change" and "改到 12月10日（周四）14:00–15:30" in notice.text
    assert deliver_due(dialogs, "li") == []                    # the waiting list is not told of a session
    after = reminder_due_times(dialogs, "wang")
    assert len(after) == len(before) == 4 and after[:2] == before[:2] and after[2:] != before[2:]
    clock.set(START + timedelta(days=9, hours=5))              # 10 December 13:00 in Shanghai
    reminders = [reply.text for kind, reply in deliver_due(dialogs, "wang") if kind == "reminder" and reply]
    assert "12月10日（周四）14:00–15:30" in reminders[-1]
    assert "course.move" in actions(dialogs)


def test_stopping_a_session_drops_its_reminders_and_a_make_up_session_plans_new_ones(dialogs, people):
    boss = people
    boss.say("停一次课")
    confirm = boss.say("2")
    assert "停掉【零基础毛笔书法】12月9日（周三）09:00–10:30 的课" in confirm
    assert "已停课" in boss.say("确认")
    [(_, notice)] = deliver_due(dialogs, "wang")
    assert "停课通知：【零基础毛笔书法】12月9日（周三）09:00–10:30 的课取消了" in notice.text
    assert len(reminder_due_times(dialogs, "wang")) == 2
    boss.say("返回")
    assert "补课定在什么时间" in boss.say("补课")
    assert "加一次课：12月12日（周六）09:00–10:30" in boss.say("12月12日 9:00-10:30")
    assert "已加课" in boss.say("确认")
    [(_, notice)] = deliver_due(dialogs, "wang")
    assert "补课通知：【零基础毛笔书法】加了一次课：12月12日（周六）09:00–10:30" in notice.text
    assert len(reminder_due_times(dialogs, "wang")) == 4
    with dialogs.db.session() as s:
        assert len(s.exec(select(ClassSession)).all()) == 2
    assert {"course.drop", "course.add"} <= set(actions(dialogs))


def test_a_message_reaches_those_holding_a_seat_once(dialogs, people):
    boss = people
    assert "要对学员说什么" in boss.say("给学员发消息")
    confirm = boss.say("明天请带毛笔和墨汁")
    assert "已报名的 1 位学员（候补和等待摇号的不发）" in confirm
    assert "已发给 1 位学员" in boss.say("确认")
    again = dialogs.handle(Incoming("console", "boss", payload="pbdo"))
    assert "过期" in again[0].text                              # a second tap sends nothing more
    [(kind, message)] = deliver_due(dialogs, "wang")
    assert kind == "notice" and "【零基础毛笔书法】通知：明天请带毛笔和墨汁" in message.text
    assert deliver_due(dialogs, "li") == []
    with dialogs.db.session() as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "course.message")).one()
        assert "明天请带毛笔和墨汁" in entry.detail


def test_closing_the_course_ends_every_place_and_tells_everyone(dialogs, people):
    boss = people
    confirm = boss.say("取消整门课")
    assert "后面的 2 次课都不上了，2 位学员" in confirm
    assert "还有 2 次课没上" in boss.say("再想想")              # back at the course, nothing changed
    assert "过期" in dialogs.handle(Incoming("console", "boss", payload="pbdo"))[0].text  # an old 确认 does nothing
    boss.say("管理课程")
    boss.say("1")
    boss.say("取消整门课")
    assert "已取消，已通知 2 位学员" in boss.say("确认")
    for user in ("wang", "li"):
        pushes = deliver_due(dialogs, user)
        assert [kind for kind, _ in pushes] == ["notice"] and "不再开课" in pushes[0][1].text
    assert pending_keys(dialogs, "wang") == []
    with dialogs.db.session() as s:
        assert not s.exec(select(Course)).one().active
        assert {e.status for e in s.exec(select(Enrolment))} == {"cancelled"}
        assert s.exec(select(ClassSession)).all() == []
    assert "零基础毛笔书法" not in ConsoleChat(dialogs, "wang").say("毛笔书法")
    assert "course.close" in actions(dialogs)


def test_an_organizer_of_another_community_and_a_resident_cannot_change_the_course(dialogs, course):
    with dialogs.db.session() as s:
        course_id = s.exec(select(Course.id)).one()
        grant_role(s, get_or_create_account(s, "console", "other")[0].resident_id, ORGANIZER, "和平社区")
    other = ConsoleChat(dialogs, "other")
    district = dialogs.handle(Incoming("console", "other", payload=f"pbc:{course_id}"))
    assert "只对工作人员开放" in district[0].text                 # a venue of no community is the district's
    with dialogs.db.session() as s:
        s.exec(select(Venue)).one().community = "幸福社区"
    assert "还没有您能管理的课程" in other.say("管理课程")
    refused = dialogs.handle(Incoming("console", "other", payload=f"pbc:{course_id}"))
    assert "只对工作人员开放" in refused[0].text
    resident = console_person(dialogs, "wang")
    assert "只对工作人员开放" in resident.say("管理课程")
    assert actions(dialogs).count("refused") == 3
