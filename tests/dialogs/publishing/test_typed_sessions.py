"""Session times as organizers type them: weekly rules and single dates, Chinese numerals included."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.dialogs.publishing.sessions import parse_moment, parse_sessions

NOW = datetime(2026, 12, 1, 8, 0)  # Tuesday 1 December, local time


def shown(text: str) -> list[str]:
    parsed = parse_sessions(text, NOW)
    assert not parsed.error, parsed.error
    return [f"{a:%m-%d %H:%M}-{b:%H:%M}" for a, b in parsed.sessions]


@pytest.mark.parametrize("text", ["每周三 14:00–15:30 共 8 次", "每周三14:00-15:30共八次", "每星期三 下午两点到三点半 共8节",
                                  "每礼拜3 14:00~15:30 一共8次"])
def test_a_weekly_rule_gives_its_sessions_from_the_next_such_day(text):
    sessions = shown(text)
    assert len(sessions) == 8 and sessions[0] == "12-02 14:00-15:30" and sessions[-1] == "01-20 14:00-15:30"


def test_several_weekdays_and_a_first_day():
    assert shown("每周二、四 上午九点到十点 共4次 从12月8日起") == [
        "12-08 09:00-10:00", "12-10 09:00-10:00", "12-15 09:00-10:00", "12-17 09:00-10:00"]
    assert shown("每周二和周四 9点到10点 共2次") == ["12-01 09:00-10:00", "12-03 09:00-10:00"]  # today's 9:00 is ahead


@pytest.mark.parametrize("text,expected", [
    ("12月20日 9:00-11:00", ["12-20 09:00-11:00"]),
    ("十二月二十日上午九点到十一点；12月27日 9:00-11:00", ["12-20 09:00-11:00", "12-27 09:00-11:00"]),
    ("12-20 9:00-11:00", ["12-20 09:00-11:00"]),
    ("2026-12-20 9:00-11:00", ["12-20 09:00-11:00"]),
    ("明天下午2点到4点半", ["12-02 14:00-16:30"]),
    ("1月5日 9:00-10:00", ["01-05 09:00-10:00"]),
])
def test_single_dates(text, expected):
    assert shown(text) == expected


@pytest.mark.parametrize("text,error", [
    ("下下个月吧", "pub_bad_sessions"), ("每周三 14:00-15:30", "pub_weekly_count"), ("每周三 共8次", "pub_bad_hours"),
    ("11月30日 9:00-10:00", "pub_session_past"), ("今天 7:00-8:00", "pub_session_past"),
    ("12月20日 9:00-11:00；12月20日 9:00-11:00", "pub_same_session_twice"),
    ("每周三 14:00-15:30 共99次", "pub_too_many_sessions"), ("12月20日 11:00-9:00", "pub_bad_sessions"),
])
def test_what_cannot_be_taken_says_why(text, error):
    assert parse_sessions(text, NOW).error == error


def test_a_moment_is_a_day_and_a_time_ahead():
    assert parse_moment("12月10日 20:00", NOW) == datetime(2026, 12, 10, 20, 0)
    assert parse_moment("明天晚上8点", NOW) == datetime(2026, 12, 2, 20, 0)
    assert parse_moment("11月30日 20:00", NOW) is None and parse_moment("随便", NOW) is None
