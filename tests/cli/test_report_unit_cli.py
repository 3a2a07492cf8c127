"""`linli report --unit CODE` through the command's entry: the workbook of one unit's subtree."""
from __future__ import annotations

from openpyxl import load_workbook

from bot.cli import main
from tests.support.district import build_district


def rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_linli_report_unit_gives_only_that_subtree(db_file, tmp_path, capsys):
    build_district(db_file)
    whole, part = tmp_path / "whole.xlsx", tmp_path / "fa.xlsx"
    assert main(["report", "--month", "2026-11", "--out", str(whole)]) == 0
    assert main(["report", "--month", "2026-11", "--out", str(part), "--unit", "fa"]) == 0
    capsys.readouterr()
    full, sub = load_workbook(whole), load_workbook(part)
    assert "总馆" not in sub.sheetnames
    [fa] = rows(sub["分馆"])[:-1]
    [fa_full] = [r for r in rows(full["分馆"]) if r[1] == "FA"]
    assert fa[:15] == fa_full[:15]
    assert [r[1] for r in rows(sub["服务点"])] == ["FA1", "FA2", "FA", None]
    overview = dict(rows(sub["总览"]) + [list(next(sub["总览"].iter_rows(max_row=1, values_only=True)))])
    assert overview["单位"] == "福田分馆（含下级）"
    assert (overview["课程场次"], overview["课程人次"]) == (fa[3], fa[4])
    assert {r[2] for r in rows(sub["课程出勤"])[:-1]} == {"C-FA", "C-FA1", "C-FA2"}
    assert {r[0] for r in rows(sub["场馆开放达标"])} == {"V-FA", "V-FA1", "V-FA2"}
    assert main(["report", "--month", "2026-11", "--out", str(tmp_path / "x.xlsx"), "--unit", "NOPE"]) == 2
    assert "没有编号为 NOPE 的单位" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_the_level_sheets_take_the_names_the_settings_give(db_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LINLI_UNITS__LEVEL_NAMES", '["县馆", "乡镇分馆", "村服务点"]')
    build_district(db_file)
    out = tmp_path / "county.xlsx"
    assert main(["report", "--month", "2026-11", "--out", str(out), "--charts", str(tmp_path)]) == 0
    assert load_workbook(out).sheetnames[-3:] == ["县馆", "乡镇分馆", "村服务点"]
    assert (tmp_path / "county-units.png").exists()
