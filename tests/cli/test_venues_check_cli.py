"""`linli venues check` through the command's entry: a table per venue and an exit code to act on."""
from __future__ import annotations

import json

from bot.cli import main
from store.models import Venue
from tests.support.district import build_district


def add_venues(db, *venues):
    with db.session() as s:
        for code, kind, hours in venues:
            s.add(Venue(code=code, name=f"{code}馆", kind=kind, opening_hours=json.dumps(hours)))


WEEK = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "09:00-19:00")


def test_check_prints_every_venue_and_exits_one_when_one_falls_short(db_file, capsys):
    add_venues(db_file, ("LIB", "library", WEEK),
               ("ST", "station", {d: "08:30-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}))
    assert main(["venues", "check", "--month", "2026-10"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["编号", "场馆", "类型", "单位", "每周小时", "最低要求", "周末", "节假日", "结果", "原因"]
    assert lines[1].split() == ["LIB", "LIB馆", "图书馆", "70", "60", "开放", "开放（7", "天）", "达标"]  # no units: blank
    assert lines[2].split()[:8] == ["ST", "ST馆", "文化站", "42.5", "42", "不开放", "闭馆", "2/7"]
    assert lines[2].rstrip().endswith("周六不开放；周日不开放；节假日闭馆 2 天：10月3日（国庆节）、10月4日（国庆节）")
    assert lines[-1] == "统计期间 2026-10-01 至 2026-10-31：考核 2 个场馆，达标 1 个（50.0%）"


def test_check_exits_zero_when_every_venue_complies_and_two_for_a_bad_month(db_file, capsys):
    add_venues(db_file, ("LIB", "library", WEEK), ("TP", "teaching_point", {}))
    assert main(["venues", "check", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "不考核" in out and out.splitlines()[-1].endswith("考核 1 个场馆，达标 1 个（100.0%）")
    assert main(["venues", "check", "--month", "2026-13"]) == 2
    assert "月份格式不对" in capsys.readouterr().err


def test_check_gives_the_share_of_each_unit_and_one_subtree(db_file, capsys):
    build_district(db_file)  # eight community centres; 园岭分馆's own opens on weekdays only
    assert main(["venues", "check", "--month", "2026-11"]) == 1
    out = capsys.readouterr().out
    shares = [line.split() for line in out.split("\n\n")[1].splitlines()[:-1]]
    assert shares[0] == ["单位", "考核场馆", "达标", "达标率"]
    assert shares[1:4] == [["区文化馆", "8", "7", "87.5%"], ["福田分馆", "3", "3", "100.0%"],
                           ["幸福社区服务点", "1", "1", "100.0%"]]
    assert ["园岭分馆", "3", "2", "66.7%"] in shares
    assert main(["venues", "check", "--month", "2026-11", "--unit", "FA"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith("考核 3 个场馆，达标 3 个（100.0%）")
    assert "V-FB" not in out and "V-FA1" in out and "福田分馆" in out
    assert main(["venues", "check", "--unit", "NOPE"]) == 2
    assert "没有编号为 NOPE 的单位" in capsys.readouterr().err
