"""Importing venues and bookable rooms from CSV and XLSX; a bad file is rejected whole."""
from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlmodel import select

from bot.cli import main as cli_main
from store.demo import load_demo
from store.models import Room, Venue
from store.opening_hours import parse_weekly
from store.venue_import import VenueImportError, import_venues, load_demo_rooms

HEADER = ["venue_code", "venue_name", "address", "community", "kind", "opening_hours",
          "room_code", "room_name", "capacity", "slot_minutes"]
WEEK = "mon-fri 08:30-21:00; sat-sun 09:00-17:00"
ROWS = [
    ["V-XF", "幸福社区党群服务中心", "幸福路 12 号", "幸福社区", "community_centre", WEEK, "HYS", "会议室", "20", "60"],
    ["V-XF", "幸福社区党群服务中心", "幸福路 12 号", "幸福社区", "community_centre", WEEK, "WT", "小舞台", "50", "120"],
    ["V-JS", "东湖智能健身房", "体育路 2 号", "湖滨社区", "智能健身房", "每天 07:00-21:30", "GYM", "器械区", "15", ""],
]


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def snapshot(db):
    with db.session() as s:
        return (sorted((v.code, v.name, v.address, v.kind, v.opening_hours) for v in s.exec(select(Venue))),
                sorted((r.venue_id, r.code, r.name, r.capacity, r.slot_minutes) for r in s.exec(select(Room))))


def test_csv_creates_venues_and_rooms_and_a_second_run_changes_nothing(db, tmp_path):
    path = write_csv(tmp_path / "venues.csv", ROWS)
    report = import_venues(db, path)
    assert (report.venues_created, report.rooms_created) == (2, 3)
    with db.session() as s:
        centre = s.exec(select(Venue).where(Venue.code == "V-XF")).one()
        assert json.loads(centre.opening_hours)["mon"] == "08:30-21:00"
        assert json.loads(centre.opening_hours)["sun"] == "09:00-17:00"
        gym = s.exec(select(Venue).where(Venue.code == "V-JS")).one()
        assert gym.kind == "gym"
        rooms = {r.code: r for r in s.exec(select(Room))}
        assert (rooms["WT"].capacity, rooms["WT"].slot_minutes) == (50, 120)
        assert rooms["GYM"].slot_minutes == 60 and rooms["GYM"].venue_id == gym.id
    before = snapshot(db)
    again = import_venues(db, path)
    assert (again.venues_unchanged, again.rooms_unchanged, again.rooms_created) == (2, 3, 0)
    assert snapshot(db) == before


def test_changes_update_in_place(sqlite_db, tmp_path):
    import_venues(sqlite_db, write_csv(tmp_path / "a.csv", ROWS))
    changed = [row[:] for row in ROWS]
    changed[0][8] = "25"
    for row in changed[:2]:
        row[5] = "mon-sun 09:00-20:00"
    report = import_venues(sqlite_db, write_csv(tmp_path / "b.csv", changed))
    assert (report.venues_updated, report.rooms_updated, report.rooms_unchanged) == (1, 1, 2)
    with sqlite_db.session() as s:
        assert s.exec(select(Room).where(Room.code == "HYS")).one().capacity == 25


def test_xlsx_with_chinese_headers_in_another_order(sqlite_db, tmp_path):
    labels = {"venue_code": "场馆编号", "venue_name": "场馆名称", "address": "地址", "community": "社区",
              "kind": "类型", "opening_hours": "开放时间", "room_code": "房间编号", "room_name": "房间名称",
              "capacity": "容纳人数", "slot_minutes": "时段分钟"}
    order = list(reversed(HEADER))
    book = Workbook()
    sheet = book.active
    sheet.append([labels[name] for name in order])
    for row in ROWS:
        values = dict(zip(HEADER, row))
        sheet.append([int(values[n]) if n == "capacity" else values[n] for n in order])
    path = tmp_path / "venues.xlsx"
    book.save(path)
    report = import_venues(sqlite_db, path)
    assert (report.venues_created, report.rooms_created) == (2, 3)


def test_a_bad_file_is_rejected_whole_with_every_problem(db, tmp_path):
    rows = [
        ROWS[0],
        ["V-XF", "幸福社区中心", "幸福路 12 号", "幸福社区", "community_centre", WEEK, "WT", "小舞台", "五十", "120"],
        ["V-JS", "东湖智能健身房", "体育路 2 号", "湖滨社区", "体育馆", "周一到周五 早上", "GYM", "器械区", "15", "600"],
        ["V-LIB", "街道图书室", "文昌路 1 号", "文昌社区", "library", "mon-fri 09:00-17:00", "R1", "阅览室", "30", "60"],
        ["V-XF", "幸福社区党群服务中心", "幸福路 12 号", "幸福社区", "community_centre", WEEK, "HYS", "会议室", "20", "60"],
        ["", "无名场馆", "", "", "", WEEK, "X", "房间", "0", ""],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(VenueImportError) as caught:
        import_venues(db, path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert {(3, "venue_name"), (3, "capacity"), (4, "kind"), (4, "opening_hours"), (4, "slot_minutes"),
            (5, "opening_hours"), (6, "room_code"), (7, "venue_code"), (7, "capacity")} <= found
    text = caught.value.format_problems()
    assert "第 5 行，opening_hours：每周只开放 40 小时，这类场馆每周至少 60 小时" in text
    assert "第 6 行，room_code：与第 2 行是同一个房间" in text
    assert snapshot(db) == ([], [])


def test_missing_columns_and_unreadable_files(sqlite_db, tmp_path):
    path = write_csv(tmp_path / "short.csv", [["V-1", "活动室"]], header=["venue_code", "场馆名称", "颜色"])
    with pytest.raises(VenueImportError) as caught:
        import_venues(sqlite_db, path)
    columns = {p.column for p in caught.value.problems if p.row == 1}
    assert {"颜色", "opening_hours", "room_code", "room_name", "capacity"} <= columns
    other = tmp_path / "venues.txt"
    other.write_text("x")
    with pytest.raises(VenueImportError, match="只支持 CSV 或 XLSX"):
        import_venues(sqlite_db, other)


def test_written_hours_read_back_the_same():
    hours = parse_weekly("周一至周五 08:30-21:00；周末 9:00-17:00")
    assert hours == parse_weekly(WEEK) == {"mon": "08:30-21:00", "tue": "08:30-21:00", "wed": "08:30-21:00",
                                           "thu": "08:30-21:00", "fri": "08:30-21:00", "sat": "09:00-17:00",
                                           "sun": "09:00-17:00"}
    assert parse_weekly("mon closed; tue-sun 09:00-20:30") == {d: "09:00-20:30" for d in
                                                               ("tue", "wed", "thu", "fri", "sat", "sun")}
    for bad in ("mon-fri", "mon-fri 21:00-08:00", "mon 09:00-10:00; mon 11:00-12:00", "xyz 09:00-10:00"):
        with pytest.raises(ValueError):
            parse_weekly(bad)


def test_demo_rooms_load_once(sqlite_db):
    counts = load_demo(sqlite_db, datetime(2026, 12, 1))
    assert counts["rooms"] >= 10
    assert load_demo_rooms(sqlite_db) == 0
    with sqlite_db.session() as s:
        venue_ids = {r.venue_id for r in s.exec(select(Room))}
        assert len(venue_ids) >= 6


def test_cli_imports_and_rejects(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LINLI_DATABASE__URL", f"sqlite:///{tmp_path / 'cli.db'}")
    from bot.settings import get_settings
    get_settings.cache_clear()
    try:
        assert cli_main(["import", "venues", str(write_csv(tmp_path / "ok.csv", ROWS))]) == 0
        assert '"rooms_created": 3' in capsys.readouterr().out
        bad = write_csv(tmp_path / "bad.csv", [ROWS[0][:8] + ["0", "60"]])
        assert cli_main(["import", "venues", str(bad)]) == 1
        assert "第 2 行，capacity" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
