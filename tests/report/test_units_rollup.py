"""The monthly workbook by unit: a sheet per level whose rows under each parent sum to the parent
exactly, 本级 rows for what a parent runs itself, and `linli report --unit` for one subtree."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from PIL import Image

from bot.report.monthly import UnknownUnit, monthly_report
from bot.report.months import month_of
from bot.report.opening import Rules
from store.models import ClassSession, Course, Unit
from tests.support.district import NOVEMBER, TREE, build_district

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 0, 0)
RULES = Rules({"community_centre": 42})
COUNTS = slice(3, 16)  # 场次 … 达标率
ADDITIVE = [3, 4, 5, 6, 7, 9, 10, 12, 13, 14]  # columns that are counts (rates are worked out)
NAMES = {code: name for code, name, _, _ in TREE}


def expected(k: int) -> dict[str, int]:
    """What unit number k runs itself (see tests/support/district.py)."""
    seated = k % 3 + 1
    return {"场次": k + 1, "人次": seated * (k + 1) - (seated - 1 if k % 2 == 0 else 0),
            "新报名": seated, "点单": k + 1, "完成": 1, "场馆预约": k}


def rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def report(db, tmp_path):
    """The district's November, on SQLite and on PostgreSQL."""
    build_district(db)
    with db.session() as s:
        made = monthly_report(s, month_of(2026, 11, TZ), NOW, TZ, tmp_path / "r.xlsx", charts_dir=tmp_path,
                              rules=RULES)
    return made


def test_every_level_sums_exactly_to_the_level_above(report):
    book = load_workbook(report.workbook)
    assert {"总馆", "分馆", "服务点", "场馆开放达标"} <= set(book.sheetnames)
    above = {row[2]: row for row in rows(book["总馆"])[:-1]}
    for level in ("分馆", "服务点"):
        lines = rows(book[level])
        by_parent: dict[str, list[int]] = defaultdict(lambda: [0] * 16)
        for line in lines[:-1]:
            for i in ADDITIVE:
                by_parent[line[0]][i] += line[i]
        checked = 0
        for parent, sums in by_parent.items():
            if parent in above:
                assert [sums[i] for i in ADDITIVE] == [above[parent][i] for i in ADDITIVE], (level, parent)
                checked += 1
        assert checked == (1 if level == "分馆" else 2)
        # every sheet's 合计 is the district's total
        assert [lines[-1][i] for i in ADDITIVE] == [rows(book["总馆"])[-1][i] for i in ADDITIVE]
        above = {row[2]: row for row in lines[:-1] if not row[2].endswith("（本级）")}


def test_figures_of_each_unit_and_its_own_row(report):
    book = load_workbook(report.workbook)
    points = {row[1]: row for row in rows(book["服务点"])}
    fa1 = points["FA1"]  # unit number 3
    assert fa1[0] == NAMES["FA"] and fa1[2] == NAMES["FA1"]
    assert dict(zip(("场次", "人次", "新报名", "点单", "完成"), fa1[3:8])) == \
        {k: expected(3)[k] for k in ("场次", "人次", "新报名", "点单", "完成")}
    assert fa1[8] == pytest.approx(1 / 4) and fa1[9] == 3 and fa1[10] == 2 and fa1[11] == pytest.approx(0.5)
    # service time: a taught session (1.5 h), an order (2 h) and the shift of a volunteer living there (3 h)
    assert fa1[12] == 6.5
    own = points["FA"]
    assert own[2] == "福田分馆（本级）" and own[3:5] == [expected(1)["场次"], expected(1)["人次"]]
    [district] = [r for r in rows(book["总馆"]) if r[1] == "ROOT"]
    # the root counts what names no unit in its own figures: 8 courses in all
    assert district[3] == sum(expected(k)["场次"] for k in range(8))
    assert district[4] == sum(expected(k)["人次"] for k in range(8))
    overview = dict(rows(book["总览"]) + [list(next(book["总览"].iter_rows(max_row=1, values_only=True)))])
    assert overview["课程场次"] == district[3] and overview["课程人次"] == district[4]
    assert district[9] == overview["场馆预约"] and district[6] == overview["服务点单"]
    # venues: one of the eight opens on weekdays only (FB's own), the others meet 42 h and weekends
    assert district[13:16] == [8, 7, pytest.approx(7 / 8)]


def test_opening_sheet_names_each_venue_with_its_unit(report):
    sheet = rows(load_workbook(report.workbook)["场馆开放达标"])
    fb = next(r for r in sheet if r[0] == "V-FB")
    assert fb[2:6] == ["社区中心", "园岭分馆", 45, 42] and fb[6] == "不开放" and fb[8] == "不达标"
    assert fb[7] == "期间无节假日" and fb[9] == "周六不开放；周日不开放"
    assert next(r for r in sheet if r[0] == "V-NONE")[3] == "区文化馆"


def test_the_units_chart_is_drawn(report):
    visits, good, units = report.charts
    with Image.open(units) as image:
        assert image.format == "PNG" and image.size[1] > 200


def test_an_unknown_unit_is_refused(sqlite_db, tmp_path):
    build_district(sqlite_db)
    with sqlite_db.session() as s, pytest.raises(UnknownUnit):
        monthly_report(s, month_of(2026, 11, TZ), NOW, TZ, tmp_path / "r.xlsx", unit="NOPE")


def test_a_point_right_under_the_top_counts_in_its_own_row_and_the_tops_own(sqlite_db, tmp_path):
    units = build_district(sqlite_db)
    with sqlite_db.session() as s:
        point = Unit(code="FX", name="直属服务点", level=3, parent_id=units["ROOT"])
        s.add(point)
        s.flush()
        course = s.exec(select(Course).where(Course.code == "C-FA1")).one()
        extra = Course(code="C-FX", title="直属班", section="文化", category_id=course.category_id, unit_id=point.id)
        s.add(extra)
        s.flush()
        s.add(ClassSession(course_id=extra.id, starts_at=NOVEMBER, ends_at=NOVEMBER + timedelta(hours=1)))
    with sqlite_db.session() as s:
        made = monthly_report(s, month_of(2026, 11, TZ), NOW, TZ, tmp_path / "r.xlsx", rules=RULES)
    book = load_workbook(made.workbook)
    [root] = rows(book["总馆"])[:-1]
    branches = rows(book["分馆"])
    assert sum(r[3] for r in branches[:-1] if r[0] == root[2]) == root[3] == branches[-1][3]
    [own] = [r for r in branches if r[2] == "区文化馆（本级）"]
    points = rows(book["服务点"])
    [fx] = [r for r in points if r[1] == "FX"]
    [own_below] = [r for r in points if r[2] == "区文化馆（本级）"]
    assert fx[0] == "区文化馆" and fx[3] == 1
    assert own[3] == own_below[3] + 1  # on the 分馆 sheet the point sits in the top's own row
    assert points[-1][3] == root[3]
