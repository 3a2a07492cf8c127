"""设置 → 按课程设置提醒: one resident's switch for one course, and the organizer's for everyone."""
from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.app import import_catalogue
from bot.handlers.console import ConsoleChat
from bot.messages import Incoming
from store.models import Enrolment
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course

FIRST = START + timedelta(days=1, hours=1)  # Wednesday 2 December, 09:00 in Shanghai
DAY_BEFORE = FIRST - timedelta(hours=24)


def sign_up(dialogs, user: str, *codes: str) -> ConsoleChat:
    chat = ConsoleChat(dialogs, user)
    chat.say("/start")
    for code in codes:
        dialogs.handle(Incoming("console", user, payload=f"suy:{code}"))
    return chat


def reminder_texts(dialogs, user: str) -> list[str]:
    return [reply.text for kind, reply in deliver_due(dialogs, user) if kind == "reminder" and reply]


@pytest.fixture
def courses(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2)
    add_course(sqlite_db, "TY-TJ-01", "晨练太极", category="太极", section="体育", first_start=FIRST, sessions=2)


def test_switching_one_course_off_keeps_the_others_and_other_residents(dialogs, courses, clock):
    wang = sign_up(dialogs, "wang", "WH-SF-01", "TY-TJ-01")
    sign_up(dialogs, "li", "WH-SF-01")
    settings = wang.say("设置")
    assert "2. 按课程设置提醒" in settings and "4. 我的数据" in settings and "5. 我的家人" in settings \
        and "6. 主菜单" in settings
    screen = wang.say("2")
    assert "·【零基础毛笔书法】提醒：已开启" in screen and "·【晨练太极】提醒：已开启" in screen
    assert "1. 关闭【零基础毛笔书法】的提醒" in screen and "3. 返回" in screen
    switched = wang.say("1")
    assert "已关闭【零基础毛笔书法】的上课提醒，其他课程照常提醒" in switched
    assert "·【零基础毛笔书法】提醒：已关闭" in switched and "1. 开启【零基础毛笔书法】的提醒" in switched

    clock.set(DAY_BEFORE)
    (only,) = reminder_texts(dialogs, "wang")
    assert "【晨练太极】" in only
    (others,) = reminder_texts(dialogs, "li")
    assert "【零基础毛笔书法】" in others

    assert "按课程开关上课提醒" in wang.say("课程提醒")
    assert "已开启【零基础毛笔书法】的上课提醒" in wang.say("1")
    assert "上课提醒：已开启" in wang.say("3")                 # 返回 goes back to 设置
    clock.set(FIRST - timedelta(hours=1))
    assert sorted(t.split("【")[1].split("】")[0] for t in reminder_texts(dialogs, "wang")) == [
        "晨练太极", "零基础毛笔书法"]


def test_all_reminders_off_wins_over_a_course_switched_on(dialogs, courses, clock):
    wang = sign_up(dialogs, "wang", "WH-SF-01")
    wang.say("设置")
    wang.say("1")                                              # 关闭上课提醒
    assert "您关闭了全部上课提醒" in wang.say("课程提醒")
    clock.set(DAY_BEFORE)
    assert reminder_texts(dialogs, "wang") == []


def test_many_courses_page_five_at_a_time(dialogs, sqlite_db):
    codes = [f"C-{n}" for n in range(7)]
    for n, code in enumerate(codes):
        add_course(sqlite_db, code, f"课程{n}", first_start=FIRST)
    wang = sign_up(dialogs, "wang", *codes)
    first = wang.say("课程提醒")
    assert "（第 1/2 页）" in first and "5. 关闭【课程4】的提醒" in first
    assert "6. 下一页" in first and "7. 返回" in first and "8." not in first
    second = wang.say("6")
    assert "（第 2/2 页）" in second and "1. 关闭【课程5】的提醒" in second
    assert "3. 上一页" in second and "4. 返回" in second
    assert "·【课程6】提醒：已关闭" in wang.say("2")           # stays on page 2


def test_nobody_switches_someone_elses_place(dialogs, courses):
    sign_up(dialogs, "wang", "WH-SF-01")
    with dialogs.db.session() as s:
        theirs = s.exec(select(Enrolment)).one()
    sign_up(dialogs, "stranger")
    replies = dialogs.handle(Incoming("console", "stranger", payload=f"setc:1:{theirs.id}:off"))
    assert "没有找到这条报名记录" in replies[0].text
    with dialogs.db.session() as s:
        assert s.get(Enrolment, theirs.id).reminders_on is True


def test_the_organizer_switches_a_course_off_for_everyone_in_the_catalogue(dialogs, settings, tmp_path, clock):
    path = tmp_path / "catalog.csv"

    def import_with(reminders: str) -> None:
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["course_code", "section", "category", "title", "teacher", "venue", "starts_at",
                             "ends_at", "capacity", "提醒"])
            for day in ("2026-12-02", "2026-12-09"):
                writer.writerow(["WH-SF-01", "文化", "书法", "零基础毛笔书法", "林老师", "和平街道文化站",
                                 f"{day} 09:00", f"{day} 10:30", "20", reminders])
        import_catalogue(dialogs.db, settings, path, now=clock.now())

    import_with("是")
    wang = sign_up(dialogs, "wang", "WH-SF-01")
    sign_up(dialogs, "li", "WH-SF-01")
    import_with("否")
    assert "·【零基础毛笔书法】提醒：这门课暂不发提醒" in wang.say("课程提醒")
    clock.set(DAY_BEFORE)
    assert reminder_texts(dialogs, "wang") == reminder_texts(dialogs, "li") == []
    import_with("on")
    clock.set(FIRST - timedelta(hours=1))
    assert len(reminder_texts(dialogs, "wang")) == len(reminder_texts(dialogs, "li")) == 1
