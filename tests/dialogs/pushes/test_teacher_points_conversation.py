"""A volunteer teacher named in the catalogue earns points for each session held, and sees them."""
from __future__ import annotations

import csv
from datetime import timedelta

from openpyxl import load_workbook

from bot.app import import_catalogue
from bot.dialogs.pushes.housekeeping import run_housekeeping
from bot.handlers.console import ConsoleChat
from bot.report.monthly import monthly_report
from bot.report.months import month_of
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.dialogs.orders.test_order_conversation import TZ

HEADER = ["course_code", "section", "category", "title", "teacher", "venue", "starts_at", "ends_at",
          "capacity", "讲师账号"]
COURSE = ["WH-SF-01", "文化", "书法", "零基础毛笔书法", "林秀兰老师", "和平街道文化站"]
SESSIONS = [["2026-12-02 09:00", "2026-12-02 10:30"], ["2026-12-09 09:00", "2026-12-09 10:30"]]
AFTER_FIRST = START + timedelta(days=1, hours=3)   # 2 December 11:00 in Shanghai


def import_file(dialogs, settings, tmp_path, sessions, account="console:lin"):
    path = tmp_path / "catalog.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(COURSE + times + ["20", account] for times in sessions)
    return import_catalogue(dialogs.db, settings, path, now=dialogs.clock.now())


class Round:
    """The housekeeping round serve runs every minute, at the clock's now."""

    def __init__(self, dialogs, settings):
        self.dialogs, self.settings = dialogs, settings

    def __call__(self) -> dict:
        return run_housekeeping(self.dialogs.db, self.settings, self.dialogs.clock.now())


def hours_in_report(dialogs, tmp_path) -> float:
    with dialogs.db.session() as s:
        report = monthly_report(s, month_of(2026, 12, TZ), dialogs.clock.now(), TZ, tmp_path / "month.xlsx")
    rows = load_workbook(report.workbook)["总览"].iter_rows()
    return {row[0].value: row[1].value for row in rows}["志愿服务时长（小时）"]


def test_each_session_held_credits_the_teacher_once(dialogs, settings, tmp_path, clock):
    import_file(dialogs, settings, tmp_path, SESSIONS)
    teacher, run = ConsoleChat(dialogs, "lin"), Round(dialogs, settings)
    assert "还没有积分记录" in teacher.say("我的积分")
    assert run()["sessions_credited"] == 0          # nothing has ended yet
    clock.set(AFTER_FIRST)
    assert run()["sessions_credited"] == 1
    assert run()["sessions_credited"] == 0          # a second round credits nothing more
    [(kind, push)] = deliver_due(dialogs, "lin")
    assert kind == "points"
    assert "积分到账：您 12月2日（周三）09:00–10:30 讲的【零基础毛笔书法】已上完，记服务 1.5 小时，积分 +2 分" in push.text
    points = teacher.say("我的积分")
    assert "现有积分：2 分" in points and "累计服务：1.5 小时" in points and "讲课：零基础毛笔书法" in points
    assert hours_in_report(dialogs, tmp_path) == 1.5


def test_a_cancelled_session_and_a_course_without_an_account_credit_nobody(dialogs, settings, tmp_path, clock):
    import_file(dialogs, settings, tmp_path, SESSIONS)
    import_file(dialogs, settings, tmp_path, SESSIONS[1:])          # 12-02 cancelled before it was held
    run = Round(dialogs, settings)
    clock.set(AFTER_FIRST)
    assert run()["sessions_credited"] == 0
    import_file(dialogs, settings, tmp_path, SESSIONS[1:], account="")
    clock.set(AFTER_FIRST + timedelta(weeks=1))
    assert run()["sessions_credited"] == 0
    assert hours_in_report(dialogs, tmp_path) == 0
