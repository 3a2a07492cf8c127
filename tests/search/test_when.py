"""Time words residents type, read as days, a part of the day and the subject left over."""
from __future__ import annotations

from datetime import date

import pytest

from bot.search.when import When, days, find_when, from_code

TUESDAY = date(2026, 12, 1)


@pytest.mark.parametrize("text, expected", [
    ("这周有什么活动", When("week")),
    ("本周活动", When("week")),
    ("今天", When("today")),
    ("明天", When("tomorrow")),
    ("周末", When("weekend")),
    ("这周末书法", When("weekend", "", "书法")),
    ("周六", When("d5")),
    ("星期三", When("d2")),
    ("礼拜天", When("d6")),
    ("周六的太极", When("d5", "", "太极")),
    ("明天上午有什么课", When("tomorrow", "am")),
    ("今晚有什么活动？", When("today", "eve")),
    ("下周二太极课", When("n1", "", "太极")),
    ("下午", When("today", "pm")),
])
def test_time_words_are_read(text, expected):
    assert find_when(text) == expected


@pytest.mark.parametrize("text", ["太极拳", "周老师的书法", "书法", "", "12345"])
def test_text_without_a_time_word_is_none(text):
    assert find_when(text) is None


@pytest.mark.parametrize("span, first, last", [
    ("today", date(2026, 12, 1), date(2026, 12, 1)),
    ("tomorrow", date(2026, 12, 2), date(2026, 12, 2)),
    ("week", date(2026, 12, 1), date(2026, 12, 6)),
    ("weekend", date(2026, 12, 5), date(2026, 12, 6)),
    ("d5", date(2026, 12, 5), date(2026, 12, 5)),
    ("d1", date(2026, 12, 1), date(2026, 12, 1)),   # 周二 on a Tuesday is today
    ("d0", date(2026, 12, 7), date(2026, 12, 7)),   # 周一 on a Tuesday is next Monday
    ("nweek", date(2026, 12, 7), date(2026, 12, 13)),
    ("n1", date(2026, 12, 8), date(2026, 12, 8)),
])
def test_spans_are_days_seen_from_today(span, first, last):
    assert days(span, TUESDAY) == (first, last)


def test_the_weekend_seen_from_sunday_is_today():
    assert days("weekend", date(2026, 12, 6)) == (date(2026, 12, 6), date(2026, 12, 6))


def test_codes_go_into_a_button_and_back():
    for when in (When("d5", "am"), When("week"), When("tomorrow", "eve")):
        assert from_code(when.code) == When(when.span, when.part)
    for bad in ("", "d9", "week.night", "yesterday", "d5.am.pm"):
        assert from_code(bad) is None
