"""Days named in a resident's wished dates ("12月20日或21日下午", "2026-12-20", "后天")."""
from __future__ import annotations

import re
from datetime import date, timedelta

from bot.dialogs.text_input import folded

NEXT_YEAR_AFTER = timedelta(days=60)
_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*(?:月\s*(\d{1,2})|[-/.]\s*(\d{1,2})(?!\s*[-/.]\s*\d))")
_RELATIVE = {"大后天": 3, "后天": 2, "明天": 1, "今天": 0}


def _day(year: int | None, month: int, day: int, today: date) -> date | None:
    try:
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and today - found > NEXT_YEAR_AFTER:  # "1月5日" typed in December
        found = date(found.year + 1, month, day)
    return found


def days_named(text: str, today: date) -> list[date]:
    """Every day the text names, in order of appearance; [] when it names none."""
    text = folded(text)
    found: list[tuple[int, date]] = []
    for match in _FULL.finditer(text):
        day = _day(int(match.group(1)), int(match.group(2)), int(match.group(3)), today)
        if day:
            found.append((match.start(), day))
    rest = _FULL.sub(lambda m: " " * len(m.group(0)), text)
    for match in _MONTH_DAY.finditer(rest):
        day = _day(None, int(match.group(1)), int(match.group(2) or match.group(3)), today)
        if day:
            found.append((match.start(), day))
    for word, ahead in _RELATIVE.items():
        at = rest.find(word)
        if at >= 0:
            found.append((at, today + timedelta(days=ahead)))
            rest = rest.replace(word, " " * len(word))
    return [day for _, day in sorted(found, key=lambda pair: pair[0])]
