"""`import_units`: a good file builds the tree (re-import updates by code); a bad one changes nothing
and names every problem."""
from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook
from sqlmodel import select

from store.models import Unit
from store.units import load_tree
from store.units_import import UnitImportError, import_units

HEADER = ["code", "name", "level", "parent", "address", "contact"]
GOOD = [["ROOT", "区文化馆", "1", "", "幸福路 88 号", "8826 2200"],
        ["FG-A", "甲街道分馆", "分馆", "ROOT", "", ""],
        ["FG-B", "乙街道分馆", "2", "ROOT", "", ""],
        ["SP-1", "一号社区", "服务点", "FG-A", "", ""],
        ["SP-2", "二号社区", "3", "FG-A", "", ""],
        ["SP-3", "三号社区", "3", "FG-B", "", ""],
        ["SP-4", "四号村", "3", "FG-B", "", ""]]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_good_file_builds_the_tree(sqlite_db, tmp_path):
    report = import_units(sqlite_db, write_csv(tmp_path / "u.csv", GOOD))
    assert report.units_created == 7
    with sqlite_db.session() as s:
        tree = load_tree(s)
        assert [(depth, unit.code) for depth, unit in tree.walk()] == [
            (0, "ROOT"), (1, "FG-A"), (2, "SP-1"), (2, "SP-2"), (1, "FG-B"), (2, "SP-3"), (2, "SP-4")]


def test_reimport_updates_by_code_and_moves_a_point(sqlite_db, tmp_path):
    import_units(sqlite_db, write_csv(tmp_path / "u.csv", GOOD))
    report = import_units(sqlite_db, write_csv(tmp_path / "v.csv", [["SP-2", "二号社区", "3", "FG-B", "", "王站长"]]))
    assert (report.units_updated, report.units_created) == (1, 0)
    with sqlite_db.session() as s:
        moved = s.exec(select(Unit).where(Unit.code == "SP-2")).one()
        assert s.get(Unit, moved.parent_id).code == "FG-B" and moved.contact == "王站长"


def test_county_level_names_are_understood(sqlite_db, tmp_path):
    rows = [["ROOT", "县文化馆", "县馆", "", "", ""], ["X1", "某乡镇", "乡镇分馆", "ROOT", "", ""],
            ["C1", "某村", "村服务点", "X1", "", ""]]
    import_units(sqlite_db, write_csv(tmp_path / "u.csv", rows), ["县馆", "乡镇分馆", "村服务点"])
    with sqlite_db.session() as s:
        assert {u.code: u.level for u in s.exec(select(Unit))} == {"ROOT": 1, "X1": 2, "C1": 3}


def test_an_xlsx_file_works_too(sqlite_db, tmp_path):
    book = Workbook()
    book.active.append(HEADER)
    for row in GOOD:
        book.active.append(row)
    book.save(tmp_path / "u.xlsx")
    assert import_units(sqlite_db, tmp_path / "u.xlsx").units_created == 7


def test_a_bad_file_is_rejected_whole_naming_every_problem(sqlite_db, tmp_path):
    bad = GOOD + [["SP-1", "重复编号", "3", "FG-A", "", ""],        # row 9
                  ["SP 5", "", "4", "", "", ""],                   # row 10
                  ["SP-6", "六号社区", "3", "NOPE", "", ""],        # row 11
                  ["SP-7", "七号社区", "3", "SP-1", "", ""],        # row 12
                  ["SP-8", "一号社区", "3", "FG-B", "", ""],        # row 13
                  ["R2", "另一总馆", "1", "ROOT", "", ""]]          # row 14
    with pytest.raises(UnitImportError) as rejected:
        import_units(sqlite_db, write_csv(tmp_path / "bad.csv", bad))
    where = {(p.row, p.column) for p in rejected.value.problems}
    assert where == {(9, "code"), (10, "code"), (10, "name"), (10, "level"), (11, "parent"), (12, "parent"),
                     (13, "name"), (14, "parent")}
    text = rejected.value.format_problems()
    assert "第 9 行，code：与第 5 行编号重复" in text and "找不到上级单位 NOPE" in text
    with sqlite_db.session() as s:
        assert s.exec(select(Unit)).all() == []


def test_a_missing_column_is_named(sqlite_db, tmp_path):
    with pytest.raises(UnitImportError, match="缺少“level”"):
        import_units(sqlite_db, write_csv(tmp_path / "bad.csv", [["ROOT", "馆", ""]], ["code", "name", "parent"]))
