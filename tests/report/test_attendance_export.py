"""`linli attendance --course CODE --out FILE.xlsx`: who came to each session, and names kept as text."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import open_database
from bot.cli import main
from bot.report.attendance import write_attendance
from bot.settings import get_settings
from store.attendance import save_roll
from store.clock import utcnow
from store.enrolments import cancel_enrolment, live_enrolment, take_seat
from store.leaves import take_leave
from store.models import ClassSession, Course, Resident
from tests.conftest import ROOT
from tests.report.test_export_formulas import assert_text
from tests.support.catalog import add_course

TZ = ZoneInfo("Asia/Shanghai")
NAMES = ['=HYPERLINK("http://evil.example","点我")', "+王阿姨", "李大爷"]


def three_weeks(db, now) -> Course:
    """Three weekly sessions held before now: a roll at the first, 请假 at the second, none at the third;
    the third resident cancels after the second."""
    first = now - timedelta(weeks=3)
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=first, sessions=3)
    with db.session() as s:
        people = [Resident(display_name=n) for n in NAMES]
        s.add_all(people)
        s.flush()
        ids = [p.id for p in people]
        for rid in ids:
            take_seat(s, rid, course.id, first - timedelta(days=3))
        sessions = list(s.exec(select(ClassSession.id).where(ClassSession.course_id == course.id)
                               .order_by(ClassSession.starts_at)))
        save_roll(s, sessions[0], {ids[0], ids[2]}, by=None, now=first + timedelta(minutes=5))
        take_leave(s, sessions[1], ids[1], first)
        cancel_enrolment(s, ids[2], live_enrolment(s, course.id, ids[2]).id, first + timedelta(weeks=1, days=1))
    return course


def test_the_grid_and_the_sessions_sheet(db, tmp_path):
    now = utcnow()
    course = three_weeks(db, now)
    with db.session() as s:
        out = write_attendance(s, s.get(Course, course.id), now, TZ, tmp_path / "att.xlsx")
    book = load_workbook(out)
    grid = [list(r) for r in book["出勤明细"].iter_rows(values_only=True)]
    assert grid[0][0] == "居民" and grid[0][-3:] == ["到课", "请假", "缺席"]
    assert grid[1][1:] == ["到", "未点名", "未点名", 1, 0, 0]
    assert grid[2][1:] == ["缺席", "请假", "未点名", 0, 1, 1]
    assert grid[3][1:] == ["到", "未点名", None, 1, 0, 0]     # cancelled after the second session
    lines = [list(r) for r in book["每次课"].iter_rows(values_only=True)]
    assert [r[2:] for r in lines[1:]] == [["点名", 3, 0, 2], ["报名", 3, 1, 2], ["报名", 2, 0, 2],
                                          [None, 8, 1, 6]]
    for name in NAMES:
        [cell] = [c for row in book["出勤明细"].iter_rows() for c in row if c.value == name]
        assert_text(cell)


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    monkeypatch.setenv("LINLI_CONFIG", str(ROOT / "settings.toml"))
    monkeypatch.setenv("LINLI_DATABASE__URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    db = open_database(get_settings())
    yield db
    db.dispose()
    get_settings.cache_clear()


def test_linli_attendance_writes_the_file_and_refuses_an_unknown_course(cli_database, tmp_path, capsys):
    three_weeks(cli_database, utcnow())
    out = tmp_path / "out" / "WH-SF-01.xlsx"
    assert main(["attendance", "--course", "WH-SF-01", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert load_workbook(out).sheetnames == ["出勤明细", "每次课"]
    assert main(["attendance", "--course", "NOPE", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "没有找到课程：NOPE" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
