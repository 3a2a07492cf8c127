"""Quiet hours: non-urgent pushes due at night move to the morning, urgent ones do not."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from bot.dialogs.pushes.quiet_hours import in_window, next_allowed, parse_clock

SHANGHAI = timedelta(hours=8)


def utc(local: str) -> datetime:
    """A Shanghai wall-clock time as naive UTC."""
    return datetime.fromisoformat(local) - SHANGHAI


def with_window(settings, start: str, end: str, zone: str = "Asia/Shanghai"):
    return settings.model_copy(update={
        "scheduler": settings.scheduler.model_copy(update={"quiet_start": start, "quiet_end": end}),
        "general": settings.general.model_copy(update={"timezone": zone})})


@pytest.mark.parametrize("local, expected", [
    ("2026-12-01 21:29:59", "2026-12-01 21:29:59"),  # just before: goes out
    ("2026-12-01 21:30:00", "2026-12-02 08:00:00"),  # exactly the start: held
    ("2026-12-01 23:59:00", "2026-12-02 08:00:00"),
    ("2026-12-02 00:00:00", "2026-12-02 08:00:00"),  # after midnight: the same morning
    ("2026-12-02 07:59:00", "2026-12-02 08:00:00"),
    ("2026-12-02 07:59:59", "2026-12-02 08:00:00"),
    ("2026-12-02 08:00:00", "2026-12-02 08:00:00"),  # exactly the end: goes out
    ("2026-12-02 12:00:00", "2026-12-02 12:00:00"),
    ("2026-12-31 22:00:00", "2027-01-01 08:00:00"),  # across the year
])
def test_default_window_crossing_midnight(settings, local, expected):
    assert next_allowed(utc(local), settings, urgent=False) == utc(expected)


@pytest.mark.parametrize("local", ["2026-12-01 21:30:00", "2026-12-02 03:00:00", "2026-12-02 07:59:00"])
def test_urgent_pushes_ignore_quiet_hours(settings, local):
    assert next_allowed(utc(local), settings, urgent=True) == utc(local)


@pytest.mark.parametrize("local, expected", [
    ("2026-12-01 11:59:00", "2026-12-01 11:59:00"),
    ("2026-12-01 12:00:00", "2026-12-01 14:00:00"),
    ("2026-12-01 13:59:00", "2026-12-01 14:00:00"),
    ("2026-12-01 14:00:00", "2026-12-01 14:00:00"),
    ("2026-12-01 23:00:00", "2026-12-01 23:00:00"),
])
def test_window_inside_one_day(settings, local, expected):
    noon = with_window(settings, "12:00", "14:00")
    assert next_allowed(utc(local), noon, urgent=False) == utc(expected)


def test_empty_window_holds_nothing(settings):
    never = with_window(settings, "08:00", "08:00")
    assert next_allowed(utc("2026-12-01 03:00:00"), never, urgent=False) == utc("2026-12-01 03:00:00")


def test_other_zone_with_daylight_saving(settings):
    berlin = with_window(settings, "22:00", "07:00", "Europe/Berlin")
    # 2026-03-29: clocks go from 02:00 to 03:00 (UTC+1 → UTC+2); 07:00 local is 05:00 UTC.
    assert next_allowed(datetime(2026, 3, 28, 22, 30), berlin, urgent=False) == datetime(2026, 3, 29, 5, 0)
    # In winter 07:00 local is 06:00 UTC.
    assert next_allowed(datetime(2026, 12, 1, 23, 0), berlin, urgent=False) == datetime(2026, 12, 2, 6, 0)


def test_parsing_and_window_helpers():
    assert parse_clock("21:30") == time(21, 30)
    assert parse_clock(" 8:05 ") == time(8, 5)
    assert in_window(time(21, 30), time(21, 30), time(8, 0))
    assert not in_window(time(8, 0), time(21, 30), time(8, 0))
    assert in_window(time(12, 0), time(12, 0), time(14, 0))
    assert not in_window(time(14, 0), time(12, 0), time(14, 0))
