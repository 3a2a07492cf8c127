"""/report in the chat, `linli report`, and `linli vote create FILE` / `linli vote draw`."""
from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from bot.handlers.console import ConsoleChat
from bot.cli.report import write_report
from bot.cli.vote import VoteFileError, create_from_file, draw_from_cli
from store.models import AuditEntry, Ballot, Enrolment, Rating, Resident, Vote, VoteOption
from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.people import console_person


@pytest.fixture
def file_settings(settings, tmp_path):
    files = settings.files.model_copy(update={"dir": str(tmp_path / "files")})
    return settings.model_copy(update={"files": files})


@pytest.fixture
def november(sqlite_db):
    """Two courses with sessions in November (local time), places and ratings."""
    first = START - timedelta(days=28)  # 11月3日 08:00 local
    shufa = add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=first, sessions=3)
    taiji = add_course(sqlite_db, "TY-TJ-01", "杨式太极拳", category="太极", section="体育",
                       first_start=first + timedelta(days=1), sessions=2, teacher="赵老师")
    with sqlite_db.session() as s:
        people = [Resident(display_name=n) for n in ("王阿姨", "李大爷", "赵奶奶")]
        s.add_all(people)
        s.flush()
        for p in people:
            s.add(Enrolment(course_id=shufa.id, resident_id=p.id, status="confirmed",
                            confirmed_at=first - timedelta(days=7)))
        s.add(Enrolment(course_id=taiji.id, resident_id=people[0].id, status="confirmed",
                        confirmed_at=first - timedelta(days=7)))
        s.flush()
        from store.models import ClassSession
        cls = s.exec(select(ClassSession).where(ClassSession.course_id == shufa.id)).first()
        for p, grade in zip(people, ("优", "良", "差")):
            s.add(Rating(session_id=cls.id, course_id=shufa.id, teacher="王老师", resident_id=p.id, grade=grade))
    return sqlite_db


def organizer(dialogs: Dialogs, user: str = "boss") -> ConsoleChat:
    return console_person(dialogs, user, "organizer")


def test_report_in_the_chat_sends_two_charts_and_the_workbook(november, file_settings, clock):
    dialogs = Dialogs(november, file_settings, clock)
    organizer(dialogs)
    charts_and_book = dialogs.handle(Incoming("console", "boss", text="/report"))  # last month: November
    visits, good, book = charts_and_book
    assert visits.text == "2026年11月各类别服务人次" and good.text == "2026年11月课程满意度（优良率）"
    for reply in (visits, good):
        with Image.open(reply.picture) as image:
            assert image.format == "PNG"
    assert "2026年11月统计报表：课程 5 场，11 人次" in book.text and book.file.endswith(".xlsx")
    sheet = load_workbook(book.file)["场次人次-按类别"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["板块", "类别", "场次", "人次"], ["文化", "书法", 3, 9], ["体育", "太极", 2, 2], ["合计", None, 5, 11]]
    with november.session() as s:
        [entry] = s.exec(select(AuditEntry).where(AuditEntry.action == "report.monthly")).all()
        assert entry.target == "2026-11"


def test_report_refusals_and_bad_months(november, file_settings, clock):
    dialogs = Dialogs(november, file_settings, clock)
    resident = ConsoleChat(dialogs, "wang")
    resident.say("/start")
    assert "只对工作人员开放" in resident.say("/report")
    boss = organizer(dialogs)
    assert "月份没看懂" in boss.say("/report 2026-13")
    assert "2027年1月还没开始" in boss.say("/report 2027-01")
    assert "统计报表" in boss.say("统计报表 2026-11")


def test_linli_report_writes_the_workbook_and_charts(november, file_settings, tmp_path):
    out, charts = tmp_path / "out" / "2026-11.xlsx", tmp_path / "charts"
    stdout = io.StringIO()
    assert write_report(november, file_settings, "2026-11", out, START, charts, stdout) == 0
    printed = json.loads(stdout.getvalue())
    assert printed["sessions"] == 5 and printed["visits"] == 11 and len(printed["charts"]) == 2
    assert load_workbook(out)["总览"]["B1"].value == "2026年11月"
    assert all((charts / name).exists() for name in ("2026-11-visits.png", "2026-11-satisfaction.png"))
    assert write_report(november, file_settings, "11月", out, START) == 2
    assert write_report(november, file_settings, "2026-11", tmp_path / "x.csv", START) == 2


TOML_VOTE = """
title = "最受欢迎讲师"
options = ["王老师", "赵老师 | T-ZHAO", { label = "林老师", ref = "T-LIN" }, "WH-SF-01"]
opens_at = "2026-12-01 08:00"
closes_at = 2026-12-10T20:00:00
rule = "daily"
results = "after_close"
"""

CSV_VOTE = "标题,最美教学点\n开始,2026-12-01 09:00\n截止,2026-12-05 18:00\n规则,每人只投一次\n" \
           "选项,幸福社区文化家园,V1\n选项,和平街道文化站\n"


def test_vote_from_a_toml_file(sqlite_db, file_settings, tmp_path):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=START)
    path = tmp_path / "vote.toml"
    path.write_text(TOML_VOTE, encoding="utf-8")
    vote = create_from_file(sqlite_db, file_settings, path, START)
    with sqlite_db.session() as s:
        options = s.exec(select(VoteOption).where(VoteOption.vote_id == vote.id)
                         .order_by(VoteOption.position))
        assert [(o.label, o.ref) for o in options] == [("王老师", ""), ("赵老师", "T-ZHAO"), ("林老师", "T-LIN"),
                                                       ("零基础毛笔书法", "WH-SF-01")]
        stored = s.get(Vote, vote.id)
        assert (stored.opens_at, stored.closes_at) == (START, START + timedelta(days=9, hours=12))
        assert (stored.rule, stored.results, stored.created_by) == ("daily", "after_close", "cli")
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "vote.create")).first().actor == "cli"


def test_vote_from_a_csv_file(sqlite_db, file_settings, tmp_path):
    path = tmp_path / "vote.csv"
    path.write_bytes(CSV_VOTE.encode("gb18030"))  # as Excel on a Chinese Windows saves it
    vote = create_from_file(sqlite_db, file_settings, path, START)
    assert (vote.title, vote.rule, vote.results) == ("最美教学点", "once", "live")
    with sqlite_db.session() as s:
        assert [o.ref for o in s.exec(select(VoteOption).where(VoteOption.vote_id == vote.id))] == ["V1", ""]


@pytest.mark.parametrize("text, problem", [
    ("标题,最美教学点\n开始,明天\n截止,2026-12-05 18:00\n选项,甲\n选项,乙\n", "开始时间没看懂"),
    ("标题,最美教学点\n开始,2026-12-01 09:00\n截止,2026-12-05 18:00\n选项,甲\n", "至少要有 2 个选项"),
    ("标题,\n开始,2026-12-01 09:00\n截止,2026-11-05 18:00\n选项,甲\n选项,甲\n", "标题不能为空"),
    ("标题,投票\n开始,2026-12-01 09:00\n截止,2026-12-05 18:00\n规则,每周\n选项,甲\n选项,乙\n", "规则只能是"),
    ("名字,投票\n", "第 1 行：不认识“名字”"),
])
def test_a_bad_vote_file_creates_nothing(sqlite_db, file_settings, tmp_path, text, problem):
    path = tmp_path / "vote.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VoteFileError) as bad:
        create_from_file(sqlite_db, file_settings, path, START)
    assert any(problem in line for line in bad.value.lines), bad.value.lines
    with sqlite_db.session() as s:
        assert s.exec(select(Vote)).all() == []


def test_linli_vote_draw_and_its_check(sqlite_db, file_settings, tmp_path):
    path = tmp_path / "vote.csv"
    path.write_text(CSV_VOTE, encoding="utf-8")
    vote = create_from_file(sqlite_db, file_settings, path, START)
    with sqlite_db.session() as s:
        option = s.exec(select(VoteOption).where(VoteOption.vote_id == vote.id)).first()
        for n in range(6):
            person = Resident(display_name=f"居民{n}")
            s.add(person)
            s.flush()
            s.add(Ballot(vote_id=vote.id, option_id=option.id, resident_id=person.id, day="",
                         created_at=START))
    after = START + timedelta(days=5)
    out = io.StringIO()
    assert draw_from_cli(sqlite_db, vote.id, 2, "poster-42", False, after, out) == 0
    drawn = json.loads(out.getvalue())
    assert drawn["status"] == "drawn" and drawn["candidates"] == 6 and len(set(drawn["winners"])) == 2
    out = io.StringIO()
    assert draw_from_cli(sqlite_db, vote.id, 2, "poster-42", True, after, out) == 0
    assert json.loads(out.getvalue())["winners"] == drawn["winners"]
    assert draw_from_cli(sqlite_db, vote.id, 2, "another", True, after, io.StringIO()) == 3
    assert draw_from_cli(sqlite_db, vote.id, 2, None, False, START, io.StringIO()) == 2  # not closed yet
