"""Reading the local time a worker types for a scheduled notice: "明天 18:00", "12月3日 9点半"."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.dialogs.text_input import clean_text

_DAY_WORDS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
_DATE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})[日号]?")
_TIME = re.compile(r"^(上午|早上|中午|下午|晚上)?(\d{1,2})(?:[:：](\d{2})|点(?:(\d{1,2})分?|(半))?)$")
_AFTERNOON = ("下午", "晚上")


def _day(text: str, today: date) -> tuple[date, str] | None:
    for word, offset in _DAY_WORDS.items():
        if text.startswith(word):
            return today + timedelta(days=offset), text[len(word):]
    match = _DATE.match(text)
    if not match:
        return today, text
    year = int(match.group(1)) if match.group(1) else today.year
    try:
        day = date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    if not match.group(1) and day < today:  # "1月5日" typed in December: next January
        try:
            day = day.replace(year=year + 1)
        except ValueError:
            return None
    return day, text[match.end():]


def _clock(text: str) -> time | None:
    match = _TIME.match(text)
    if not match:
        return None
    part, hour = match.group(1), int(match.group(2))
    minute = int(match.group(3) or match.group(4) or (30 if match.group(5) else 0))
    if part in _AFTERNOON and hour < 12:
        hour += 12
    if part == "中午" and hour < 6:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_local_time(text: str, now_local: datetime) -> datetime | None:
    """The moment a typed text names, in now_local's zone; None when it cannot be read."""
    cleaned = clean_text(text).replace(" ", "").replace("\u3000", "")
    found = _day(cleaned, now_local.date())
    if found is None:
        return None
    day, rest = found
    clock = _clock(rest)
    if clock is None:
        return None
    return datetime.combine(day, clock, tzinfo=now_local.tzinfo)
