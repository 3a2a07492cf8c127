"""China's public holidays (法定节假日 and the days off around them) from the chinese-calendar package.

The package carries each year's State Council schedule; a year it does not know yet yields None,
so a check can say "no holiday data" instead of guessing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class Holiday:
    """One day off of a public holiday, with the holiday's Chinese name."""

    day: date
    name: str


def known_year(year: int) -> bool:
    """Whether the package has that year's schedule."""
    try:
        chinese_calendar.is_holiday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def holidays_between(first: date, last: date) -> list[Holiday] | None:
    """The public-holiday days off from first to last (inclusive), or None when a year is unknown."""
    if any(not known_year(year) for year in range(first.year, last.year + 1)):
        return None
    out = []
    day = first
    while day <= last:
        english = chinese_calendar.holidays.get(day)
        if english:
            out.append(Holiday(day, chinese_calendar.Holiday(english).chinese))
        day += timedelta(days=1)
    return out
