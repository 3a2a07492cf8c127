"""Weekly opening hours: the stored JSON form ({"mon": "08:30-21:00", …}) and the written one
("mon-fri 08:30-21:00; sat-sun 09:00-17:00", or 周一至周五 08:30-21:00；周末 09:00-17:00)."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Minimum weekly opening hours for each kind of venue (示范区); settings [venues] min_weekly_hours passes its own.
MIN_WEEKLY_HOURS = {"library": 60, "culture_centre": 56, "station": 42, "community_centre": 42}

_DAY_NAMES = {name: index for index, name in enumerate(DAYS)}
_DAY_NAMES.update({full: index for index, full in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))})
for _index, _zh in enumerate("一二三四五六日"):
    for _prefix in ("", "周", "星期", "礼拜"):
        _DAY_NAMES[_prefix + _zh] = _index
for _prefix in ("周", "星期", "礼拜"):
    _DAY_NAMES[_prefix + "天"] = 6
_GROUPS = {
    "daily": range(7), "每天": range(7), "每日": range(7), "全周": range(7),
    "weekdays": range(5), "工作日": range(5), "weekend": range(5, 7), "weekends": range(5, 7),
    "周末": range(5, 7),
}
_CLOSED = ("closed", "休息", "闭馆", "不开放")
_TIME = r"\d{1,2}[:：]\d{2}"
_PART = re.compile(rf"^(?P<days>.*?)\s*(?P<span>{_TIME}\s*[-–—~～至到]\s*{_TIME}|{'|'.join(_CLOSED)})$",
                   re.IGNORECASE)
_RANGE = re.compile(r"\s*[-–—~～至到]\s*")


def _minutes(text: str) -> int:
    hours, minutes = re.split(r"[:：]", text.strip())
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValueError(f"时间“{text.strip()}”不对")
    return value


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def load_hours(raw: str | dict | None) -> dict[str, str]:
    """The weekly hours of a venue as a dict; broken or empty JSON means closed every day."""
    if isinstance(raw, dict):
        return dict(raw)
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def day_span(hours: dict[str, str], weekday: int) -> tuple[int, int] | None:
    """Opening and closing minute of a weekday (0 = Monday), or None when closed."""
    text = (hours.get(DAYS[weekday]) or "").strip()
    start, sep, end = text.partition("-")
    if not sep:
        return None
    try:
        first, last = _minutes(start), _minutes(end)
    except ValueError:
        return None
    return (first, last) if first < last else None


def day_text(hours: dict[str, str], weekday: int) -> str | None:
    """"08:30-21:00" for a weekday, or None when closed."""
    span = day_span(hours, weekday)
    return f"{_clock(span[0])}-{_clock(span[1])}" if span else None


def weekly_hours(hours: dict[str, str]) -> float:
    """Hours open in a week."""
    spans = (day_span(hours, weekday) for weekday in range(7))
    return sum(end - start for start, end in filter(None, spans)) / 60


def _days_of(text: str) -> list[int]:
    """Weekdays named by "mon-fri", "周一至周五", "周六、周日", "周末" …"""
    days: list[int] = []
    for item in re.split(r"[、/&,，\s]+", _RANGE.sub("-", text.strip().lower())):
        item = item.strip()
        if not item:
            continue
        if item in _GROUPS:
            days.extend(_GROUPS[item])
            continue
        first, sep, last = item.partition("-")
        a = _DAY_NAMES.get(first.strip())
        b = _DAY_NAMES.get(last.strip()) if sep else a
        if a is None or b is None:
            raise ValueError(f"看不懂“{item}”是星期几")
        days.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    if not days:
        raise ValueError("缺少星期几")
    return days


def parse_weekly(text: str) -> dict[str, str]:
    """The JSON-ready dict of a written week; ValueError (in Chinese) when it cannot be read."""
    hours: dict[str, str] = {}
    seen: set[int] = set()
    parts = [p for p in re.split(r"[;；\n]", text or "") if p.strip()]
    if not parts:
        raise ValueError("开放时间不能为空")
    for part in parts:
        match = _PART.match(part.strip())
        if not match:
            raise ValueError(f"看不懂“{part.strip()}”，应写成 mon-fri 08:30-21:00")
        days = _days_of(match.group("days"))
        span = match.group("span")
        value = None
        if span.lower() not in _CLOSED:
            start, end = _RANGE.split(span, maxsplit=1)
            first, last = _minutes(start), _minutes(end)
            if first >= last:
                raise ValueError(f"“{span}”的结束时间应晚于开始时间")
            value = f"{_clock(first)}-{_clock(last)}"
        for day in days:
            if day in seen:
                raise ValueError(f"周{'一二三四五六日'[day]}写了不止一次")
            seen.add(day)
            if value:
                hours[DAYS[day]] = value
    return {day: hours[day] for day in DAYS if day in hours}


def too_few_hours(kind: str, hours: dict[str, str],
                  minimums: Mapping[str, float] = MIN_WEEKLY_HOURS) -> tuple[float, float] | None:
    """(hours open, minimum) when a venue of this kind opens less than the district's minimum."""
    minimum = minimums.get(kind)
    total = weekly_hours(hours)
    return (total, minimum) if minimum and total < minimum else None
