"""Dates and times as organizers type them: 周六, 下周六, 明天, 12月12日, 12-12; 9:00-12:00, 9点到12点, 下午2点到5点半
(shared by the forms that post shifts and publish courses)."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

from bot.dialogs.text_input import folded

_WEEKDAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6, "7": 6} | {str(i + 1): i for i in range(6)}
_WEEKDAY = re.compile(r"^(下*)(?:周|星期|礼拜)([一二三四五六日天1-7])$")
_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
_MONTH_DAY = re.compile(r"^(?:(\d{4})\s*[年./-]\s*)?(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?$")
_CLOCK = r"(上午|早上|早晨|中午|下午|晚上)?\s*(\d{1,2})(?:\s*(?:[:：]|点|时)\s*(半|\d{1,2})?\s*分?)?"
_RANGE = re.compile(rf"^{_CLOCK}\s*(?:-|~|到|至|—|–|－|一)\s*{_CLOCK}$")
_AFTERNOON = {"下午", "晚上"}


def parse_day(text: str, today: date) -> date | None:
    """The day meant, today or later; None when it cannot be read or has passed."""
    text = re.sub(r"\s+", "", folded(text))
    if text in _RELATIVE:
        return today + timedelta(days=_RELATIVE[text])
    match = _WEEKDAY.match(text)
    if match:
        weeks, wanted = len(match.group(1)), _WEEKDAYS[match.group(2)]
        if weeks:  # 下周六: that weekday of the next calendar week (Monday to Sunday)
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
            return monday + timedelta(days=wanted)
        return today + timedelta(days=(wanted - today.weekday()) % 7)
    match = _MONTH_DAY.match(text)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        found = date(year or today.year, month, day)
        if found < today and year is None:
            found = date(today.year + 1, month, day)
    except ValueError:
        return None
    return found if found >= today else None


def _clock(period: str | None, hour: str, minute: str | None) -> time | None:
    h = int(hour)
    m = 30 if minute == "半" else int(minute or 0)
    if period in _AFTERNOON and h < 12:
        h += 12
    if period == "中午" and h < 6:
        h += 12
    return time(h, m) if 0 <= h <= 23 and 0 <= m <= 59 else None


def parse_hours(text: str) -> tuple[time, time] | None:
    """Start and end of the day's shift; None when it cannot be read or ends before it starts."""
    match = _RANGE.match(folded(text).strip())
    if not match:
        return None
    p1, h1, m1, p2, h2, m2 = match.groups()
    start = _clock(p1, h1, m1)
    end = _clock(p2 or (p1 if p1 in _AFTERNOON else None), h2, m2)
    if start is not None and end is not None and end <= start and not p2 and start.hour < 12 and int(h2) <= 6:
        end = _clock("下午", h2, m2)  # 9点到1点: one in the afternoon
    if start is None or end is None or end <= start:
        return None
    return start, end


_ONE_CLOCK = re.compile(rf"^{_CLOCK}$")


def parse_clock(text: str) -> time | None:
    """One time of day: 20:00, 晚上8点, 8点半; None when it cannot be read."""
    match = _ONE_CLOCK.match(folded(text).strip())
    return _clock(*match.groups()) if match else None
