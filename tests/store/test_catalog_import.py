"""Importing the catalogue from CSV and XLSX: encodings, column order, updates, rejection."""
from __future__ import annotations

import csv
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlmodel import select

from store.catalog_import import CatalogImportError, import_catalog
from store.models import Category, ChannelAccount, ClassSession, Course, Resident, SessionLeave, Venue
from tests.conftest import START

HEADER = ["course_code", "section", "category", "title", "teacher", "venue", "starts_at", "ends_at",
          "capacity", "description", "tags"]
ROWS = [
    ["WH-SF-01", "文化", "书法", "零基础毛笔书法", "周墨华", "幸福社区党群服务中心",
     "2026-12-01 09:00", "2026-12-01 10:30", "20", "从握笔学起。", "毛笔 入门"],
    ["WH-SF-01", "文化", "书法", "零基础毛笔书法", "周墨华", "幸福社区党群服务中心",
     "2026/12/08 09:00", "2026/12/08 10:30", "20", "", ""],
    ["TY-TJ-01", "体育", "太极", "杨式太极拳（24式）", "孔德厚", "东湖全民健身中心",
     "2026-12-02 08:00", "2026-12-02 09:00", "30", "动作舒缓，适合中老年。", "太极拳"],
]


def write_csv(path, rows, encoding="utf-8", header=HEADER):
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def courses_by_code(db) -> dict[str, tuple[Course, list[ClassSession]]]:
    with db.session() as s:
        result = {}
        for course in s.exec(select(Course)):
            sessions = s.exec(select(ClassSession).where(ClassSession.course_id == course.id)
                              .order_by(ClassSession.starts_at)).all()
            result[course.code] = (course, sessions)
        return result


def snapshot(db):
    with db.session() as s:
        return (sorted((c.code, c.title, c.capacity, c.teacher) for c in s.exec(select(Course))),
                sorted((x.course_id, x.starts_at) for x in s.exec(select(ClassSession))),
                sorted(c.name for c in s.exec(select(Category))),
                sorted(v.name for v in s.exec(select(Venue))))


def assert_imported(db):
    courses = courses_by_code(db)
    assert set(courses) == {"WH-SF-01", "TY-TJ-01"}
    calligraphy, sessions = courses["WH-SF-01"]
    assert (calligraphy.title, calligraphy.teacher, calligraphy.capacity) == ("零基础毛笔书法", "周墨华", 20)
    assert calligraphy.description == "从握笔学起。" and calligraphy.tags == "毛笔 入门"
    # 09:00 in Shanghai is 01:00 UTC.
    assert [x.starts_at for x in sessions] == [datetime(2026, 12, 1, 1, 0), datetime(2026, 12, 8, 1, 0)]
    assert [x.ends_at for x in sessions] == [datetime(2026, 12, 1, 2, 30), datetime(2026, 12, 8, 2, 30)]
    with db.session() as s:
        category = s.get(Category, calligraphy.category_id)
        venue = s.get(Venue, calligraphy.venue_id)
    assert (category.section, category.name) == ("文化", "书法")
    assert venue.name == "幸福社区党群服务中心" and venue.address == ""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_imports(db, tmp_path, encoding):
    report = import_catalog(db, write_csv(tmp_path / "catalog.csv", ROWS, encoding))
    assert (report.courses_created, report.sessions_added) == (2, 3)
    assert (report.categories_created, report.venues_created) == (2, 2)
    assert_imported(db)


def test_xlsx_with_real_datetimes_and_numbers_imports(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        cells = list(row)
        if row[6].startswith("2026-"):
            cells[6] = datetime.strptime(row[6], "%Y-%m-%d %H:%M")
            cells[7] = datetime.strptime(row[7], "%Y-%m-%d %H:%M")
        cells[8] = int(row[8])
        sheet.append(cells)
    book.save(tmp_path / "catalog.xlsx")
    report = import_catalog(db, tmp_path / "catalog.xlsx")
    assert (report.courses_created, report.sessions_added) == (2, 3)
    assert_imported(db)


def test_columns_in_another_order_and_without_optional_ones(db, tmp_path):
    order = ["title", "starts_at", "ends_at", "course_code", "venue", "capacity", "teacher",
             "category", "section", "tags", "description"]
    rows = [[row[HEADER.index(name)] for name in order] for row in ROWS]
    import_catalog(db, write_csv(tmp_path / "reordered.csv", rows, header=order))
    assert_imported(db)
    short = HEADER[:9]
    import_catalog(db, write_csv(tmp_path / "short.csv", [r[:9] for r in ROWS], header=short))
    # Without the optional columns, descriptions and tags stay as they were.
    assert courses_by_code(db)["WH-SF-01"][0].description == "从握笔学起。"


def test_reimport_updates_courses_and_moves_sessions(db, tmp_path):
    import_catalog(db, write_csv(tmp_path / "first.csv", ROWS), now=START)
    before = courses_by_code(db)
    kept_id = before["WH-SF-01"][1][0].id
    dropped = before["WH-SF-01"][1][1]
    with db.session() as s:  # a leave on the session that the new file drops
        resident = Resident(display_name="张阿姨")
        s.add(resident)
        s.flush()
        s.add(ChannelAccount(channel="demo", external_id="x", resident_id=resident.id))
        s.add(SessionLeave(session_id=dropped.id, resident_id=resident.id))
    changed = [
        ["WH-SF-01", "文化", "书法", "零基础毛笔书法（周末班）", "钱立言", "幸福社区党群服务中心",
         "2026-12-01 09:00", "2026-12-01 11:00", "25", "从握笔学起。", "毛笔 入门"],
        ["WH-SF-01", "文化", "书法", "零基础毛笔书法（周末班）", "钱立言", "幸福社区党群服务中心",
         "2026-12-15 09:00", "2026-12-15 11:00", "25", "", ""],
        ROWS[2],
    ]
    report = import_catalog(db, write_csv(tmp_path / "second.csv", changed), now=START)
    assert (report.courses_created, report.courses_updated, report.courses_unchanged) == (0, 1, 1)
    # 12-08 dropped and 12-15 added, both still ahead: the session moved.
    assert (report.sessions_added, report.sessions_removed, report.sessions_kept) == (0, 0, 3)
    assert [(c.kind, c.session_id, c.old_starts_at, c.starts_at) for c in report.session_changes] == [
        ("moved", kept_id, datetime(2026, 12, 1, 1), datetime(2026, 12, 1, 1)),     # ends later
        ("moved", dropped.id, datetime(2026, 12, 8, 1), datetime(2026, 12, 15, 1))]
    assert report.replan_course_ids == [before["WH-SF-01"][0].id]
    after = courses_by_code(db)
    course, sessions = after["WH-SF-01"]
    assert (course.title, course.teacher, course.capacity) == ("零基础毛笔书法（周末班）", "钱立言", 25)
    assert course.id == before["WH-SF-01"][0].id
    assert [x.starts_at for x in sessions] == [datetime(2026, 12, 1, 1), datetime(2026, 12, 15, 1)]
    assert sessions[0].id == kept_id and sessions[0].ends_at == datetime(2026, 12, 1, 3)
    assert sessions[1].id == dropped.id
    with db.session() as s:
        assert s.exec(select(SessionLeave)).all() == []  # a leave for 12-08 says nothing of 12-15
        assert len(s.exec(select(Category)).all()) == 2


def test_past_sessions_are_replaced_and_sessions_ahead_moved_added_or_cancelled(db, tmp_path):
    import_catalog(db, write_csv(tmp_path / "first.csv", ROWS), now=START)
    later = START + timedelta(days=10)  # both sessions are over
    rows = [ROWS[0][:6] + ["2026-12-02 09:00", "2026-12-02 10:30", "20", "", ""], ROWS[2]]
    report = import_catalog(db, write_csv(tmp_path / "past.csv", rows), now=later)
    assert (report.sessions_added, report.sessions_removed, report.session_changes) == (1, 2, [])
    (only,) = courses_by_code(db)["WH-SF-01"][1]

    report = import_catalog(db, write_csv(tmp_path / "first.csv", ROWS), now=START)
    assert [(c.kind, c.session_id == only.id, c.starts_at) for c in report.session_changes] == [
        ("moved", True, datetime(2026, 12, 1, 1)), ("added", False, datetime(2026, 12, 8, 1))]

    report = import_catalog(db, write_csv(tmp_path / "fewer.csv", [ROWS[0], ROWS[2]]), now=START)
    (cancelled,) = report.session_changes
    assert (cancelled.kind, cancelled.starts_at) == ("cancelled", datetime(2026, 12, 8, 1))
    assert [x.starts_at for x in courses_by_code(db)["WH-SF-01"][1]] == [datetime(2026, 12, 1, 1)]


def test_teacher_account_and_reminders_columns(db, tmp_path):
    header = HEADER + ["讲师账号", "提醒"]
    rows = [ROWS[0] + ["wecom:zhoumohua", "否"], ROWS[1] + ["wecom：zhoumohua", ""],
            ROWS[2] + ["", "on"]]
    import_catalog(db, write_csv(tmp_path / "teachers.csv", rows, header=header), now=START)
    courses = courses_by_code(db)
    calligraphy, taiji = courses["WH-SF-01"][0], courses["TY-TJ-01"][0]
    assert (calligraphy.reminders_on, taiji.reminders_on, taiji.teacher_resident_id) == (False, True, None)
    with db.session() as s:
        account = s.exec(select(ChannelAccount).where(ChannelAccount.external_id == "zhoumohua")).one()
    assert (account.channel, account.resident_id) == ("wecom", calligraphy.teacher_resident_id)
    rows = [ROWS[0] + ["", ""], ROWS[2] + ["", ""]]  # present but blank: no account, reminders on
    report = import_catalog(db, write_csv(tmp_path / "cleared.csv", rows, header=header), now=START)
    calligraphy = courses_by_code(db)["WH-SF-01"][0]
    assert (calligraphy.reminders_on, calligraphy.teacher_resident_id) == (True, None)
    assert calligraphy.id in report.replan_course_ids  # reminders switched back on


def test_bad_teacher_account_and_reminders_are_reported(db, tmp_path):
    header = HEADER + ["teacher_account", "reminders"]
    rows = [ROWS[0] + ["zhoumohua", "也许"], ROWS[2] + ["qq:12345", "off"]]
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(db, write_csv(tmp_path / "bad.csv", rows, header=header))
    assert {(p.row, p.column) for p in caught.value.problems} == {
        (2, "teacher_account"), (2, "reminders"), (3, "teacher_account")}
    assert "讲师账号应写成 渠道:编号" in caught.value.format_problems()


def test_bad_file_is_rejected_whole_with_every_problem(db, tmp_path):
    import_catalog(db, write_csv(tmp_path / "good.csv", ROWS))
    before = snapshot(db)
    header = HEADER + ["备注"]
    bad = [
        ROWS[0] + [""],                                                                # row 2: fine
        ["WH-SF-01", "文艺", "书法", "零基础毛笔书法", "周墨华", "幸福社区党群服务中心",
         "2026-12-08 9点", "2026/12/08 10:30", "二十", "", "", ""],                    # row 3
        ["YS-GZ-01", "艺术", "古筝", "古筝零基础", "", "区文化馆",
         "2026-12-03 19:00", "2026-12-03 18:00", "-5", "", "", ""],                    # row 4
        ["WH-SF-01", "文化", "书法", "新标题", "周墨华", "幸福社区党群服务中心",
         "2026-12-15 09:00", "2026-12-15 10:30", "20", "", "", ""],                    # row 5
    ]
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(db, write_csv(tmp_path / "bad.csv", bad, header=header))
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (1, "备注"),
        (3, "section"), (3, "starts_at"), (3, "capacity"),
        (4, "teacher"), (4, "ends_at"), (4, "capacity"),
        (5, "title"),
    }
    text = caught.value.format_problems()
    assert "第 3 行，starts_at：开始时间格式不对，应为 2026-12-01 09:00" in text.splitlines()
    assert "第 4 行，ends_at：结束时间应晚于开始时间" in text
    assert "第 5 行，title：同一课程的课程名称与第 2 行不一致" in text
    assert len(text.splitlines()) == len(found)
    assert snapshot(db) == before


def test_missing_columns_are_reported(db, tmp_path):
    header = [h for h in HEADER if h not in ("teacher", "ends_at")]
    rows = [[v for h, v in zip(HEADER, row) if h in header] for row in ROWS]
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(db, write_csv(tmp_path / "missing.csv", rows, header=header))
    assert {(p.row, p.column) for p in caught.value.problems} == {(1, "teacher"), (1, "ends_at")}


def test_category_in_another_section_rolls_everything_back(db, tmp_path):
    import_catalog(db, write_csv(tmp_path / "good.csv", ROWS))
    before = snapshot(db)
    rows = [["YS-GZ-01", "艺术", "古筝", "古筝零基础", "顾婉仪", "区文化馆",
             "2026-12-03 19:00", "2026-12-03 20:30", "12", "", ""],
            ["YS-SF-01", "艺术", "书法", "书法欣赏", "周墨华", "区文化馆",
             "2026-12-04 19:00", "2026-12-04 20:30", "12", "", ""]]
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(db, write_csv(tmp_path / "clash.csv", rows))
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "section")]
    assert snapshot(db) == before


def test_unreadable_files_are_rejected(db, tmp_path):
    (tmp_path / "catalog.txt").write_text("x")
    (tmp_path / "empty.csv").write_bytes(b"")
    for name in ("catalog.txt", "empty.csv"):
        with pytest.raises(CatalogImportError) as caught:
            import_catalog(db, tmp_path / name)
        assert caught.value.problems[0].row == 0
