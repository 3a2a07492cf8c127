"""Opening-hours compliance: weekly hours against the kind's minimum, weekends and public holidays."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from bot.report.opening import Rules, check_venues, compliant_share
from store.models import RoomClosure, Venue

RULES = Rules({"library": 60, "culture_centre": 56, "station": 42, "community_centre": 42})
DAILY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def week(span: str, days=DAILY) -> str:
    return json.dumps({day: span for day in days})


# October 2026: National Day is 10月1日–7日 (Thursday to Wednesday).
VENUES = [
    ("LIB", "区图书馆", "library", week("09:00-19:00")),                                 # 70 h
    ("CC", "区文化馆", "culture_centre", week("09:00-18:00", DAILY[1:])),               # 54 h, Mondays shut
    ("ST", "街道文化站", "station", week("08:30-17:00", DAILY[:5])),                     # 42.5 h, weekends shut
    ("CM", "幸福社区中心", "community_centre", week("09:00-15:00")),                     # 42 h, closed 10月1日
    ("TP", "幸福教学点", "teaching_point", week("14:00-16:00", ("sat",))),               # not assessed
]


@pytest.fixture
def district(sqlite_db):
    with sqlite_db.session() as s:
        for code, name, kind, hours in VENUES:
            s.add(Venue(code=code, name=name, kind=kind, opening_hours=hours, community="幸福社区"))
        s.flush()
        cm = s.exec(select(Venue).where(Venue.code == "CM")).one()
        s.add(RoomClosure(venue_id=cm.id, date=date(2026, 10, 1), reason="设备检修"))
    return sqlite_db


def by_code(db, first: date, last: date, rules: Rules = RULES):
    with db.session() as s:
        return {c.code: c for c in check_venues(s, rules, first, last)}


def test_october_measures_hours_weekends_and_national_day(district):
    checks = by_code(district, date(2026, 10, 1), date(2026, 10, 31))
    lib, cc, st, cm, tp = (checks[code] for code in ("LIB", "CC", "ST", "CM", "TP"))
    assert (lib.hours, lib.minimum, lib.result, lib.weekend_text, lib.holiday_text) == \
        (70, 60, "达标", "开放", "开放（7 天）")
    assert (cc.hours, cc.result) == (54, "不达标")
    assert cc.reasons == ["每周开放 54 小时，少于 56 小时", "节假日闭馆 1 天：10月5日（国庆节）"]
    assert st.hours == 42.5 and st.weekend_text == "不开放"
    assert st.reasons == ["周六不开放", "周日不开放", "节假日闭馆 2 天：10月3日（国庆节）、10月4日（国庆节）"]
    assert cm.hours == 42 and cm.holiday_text == "闭馆 1/7 天"
    assert cm.reasons == ["节假日闭馆 1 天：10月1日（国庆节）"]
    assert (tp.result, tp.minimum, tp.reasons, tp.kind_label) == ("不考核", None, [], "教学点")
    assert compliant_share(checks.values()) == (4, 1, 0.25)


def test_a_month_without_holidays_judges_hours_and_weekends_only(district):
    checks = by_code(district, date(2026, 11, 1), date(2026, 11, 30))
    assert checks["CM"].result == "达标" and checks["CM"].holiday_text == "期间无节假日"
    assert checks["ST"].reasons == ["周六不开放", "周日不开放"]


def test_a_year_the_calendar_does_not_know_is_said_so_not_failed(district):
    checks = by_code(district, date(2099, 1, 1), date(2099, 12, 31))
    assert checks["CM"].holiday_text == "无节假日数据" and checks["CM"].result == "达标"


def test_a_long_list_of_closed_holidays_names_three(district):
    checks = by_code(district, date(2026, 1, 1), date(2026, 12, 31))
    [reason] = [r for r in checks["ST"].reasons if r.startswith("节假日")]
    assert reason.startswith("节假日闭馆 ") and reason.endswith("等")
    assert reason.count("（") == 3


def test_rules_from_settings_can_drop_weekends_and_holidays(district):
    lenient = Rules({"station": 40}, weekends=False, holidays=False)
    checks = by_code(district, date(2026, 10, 1), date(2026, 10, 31), lenient)
    assert checks["ST"].result == "达标" and checks["LIB"].result == "不考核"
