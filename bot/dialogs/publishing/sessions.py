"""Sessions as organizers type them: a weekly rule (每周三 14:00-15:30 共8次, 每周二、四 下午2点到4点
共十次 从12月8日起) or single dates (12月20日 9:00-11:00；12月27日 9:00-11:00), Chinese numerals included."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.dialogs.text_input import chinese_number, folded
from bot.dialogs.typed_times import parse_clock, parse_day, parse_hours

MOST_SESSIONS = 60
PAST_YEAR_DAYS = 183  # a month and day more than half a year ahead is taken for one already past
# 八 before a unit (次, 点, 月 …) is the number 8; 周三 and 星期日 stay weekdays.
_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十]+(?=\s*(?:月|日|号|点|时|次|节|课|回|分|[:：]))")
_DAY_WORDS = "一二三四五六日天1234567"
_WEEKDAY = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6} | {str(i + 1): i for i in range(7)}
_WEEKLY = re.compile(rf"^每个?(?:周|星期|礼拜)([{_DAY_WORDS}](?:(?:[、,，和及与/]\s*(?:周|星期|礼拜)?|周|星期|礼拜)"
                     rf"[{_DAY_WORDS}])*)(.*)$")
_COUNT = re.compile(r"(?:一共|总共|共)?\s*(\d{1,3})\s*(?:次课|节课|次|节|回|课)")
_FROM = re.compile(r"(?:从|自)\s*([^\s起开]+)\s*(?:起|开始)?")
_PIECES = re.compile(r"[；;\n，,、]+")


@dataclass(frozen=True)
class Parsed:
    """Local (naive) start and end of each session, or the text key of what is wrong."""

    sessions: tuple[tuple[datetime, datetime], ...] = ()
    error: str = ""


def arabic(text: str) -> str:
    """Chinese numerals before a unit as digits: 十二月二十日 → 12月20日, 下午两点半 → 下午2点半."""
    def digits(match: re.Match) -> str:
        number = chinese_number(match.group(0))
        return str(number) if number is not None else match.group(0)
    return _NUMERAL.sub(digits, folded(text))


def parse_sessions(text: str, now_local: datetime) -> Parsed:
    """The sessions a typed answer names, all still ahead, in time order."""
    text = re.sub(r"[ \t　]+", " ", arabic(text)).strip()
    weekly = _WEEKLY.match(text)
    found = _weekly(weekly, now_local) if weekly else _single_dates(text, now_local)
    if isinstance(found, str):
        return Parsed(error=found)
    found = sorted(found)
    if not found:
        return Parsed(error="pub_bad_sessions")
    if len(found) > MOST_SESSIONS:
        return Parsed(error="pub_too_many_sessions")
    if len({start for start, _ in found}) != len(found):
        return Parsed(error="pub_same_session_twice")
    if found[0][0] <= now_local:
        return Parsed(error="pub_session_past")
    return Parsed(tuple(found))


def _weekly(match: re.Match, now_local: datetime) -> list[tuple[datetime, datetime]] | str:
    days = sorted({_WEEKDAY[c] for c in match.group(1) if c in _WEEKDAY})
    rest = match.group(2)
    count = _COUNT.search(rest)
    if count is None:
        return "pub_weekly_count"
    rest = rest[:count.start()] + rest[count.end():]
    first = now_local.date()
    since = _FROM.search(rest)
    if since is not None:
        start_day = _day(since.group(1), now_local.date())
        if start_day is None:
            return "pub_bad_sessions"
        first, rest = start_day, rest[:since.start()] + rest[since.end():]
    hours = parse_hours(rest.strip(" ，,"))
    if hours is None:
        return "pub_bad_hours"
    wanted = int(count.group(1))
    if not 1 <= wanted <= MOST_SESSIONS:
        return "pub_too_many_sessions"
    out: list[tuple[datetime, datetime]] = []
    day = first
    while len(out) < wanted:
        if day.weekday() in days:
            starts = datetime.combine(day, hours[0])
            if starts > now_local:
                out.append((starts, datetime.combine(day, hours[1])))
        day += timedelta(days=1)
    return out


def _day(text: str, today: date) -> date | None:
    """parse_day, except that a date this year already past is not taken for next year's (11月30日
    typed on 1 December means the day gone by): it comes back as that past day, and is refused so."""
    day = parse_day(text, today)
    if day is not None and day.year > today.year and (day - today).days > PAST_YEAR_DAYS:
        return today - timedelta(days=1)  # only its being past matters
    return day


def _day_and_hours(piece: str, today: date) -> tuple[date, tuple[time, time]] | None:
    """Split one piece where a day ends and its hours begin (12月20日上午9点到11点)."""
    if " " in piece:  # "12-20 9:00-11:00": the space says where the day ends
        head, tail = piece.split(" ", 1)
        day, hours = _day(head, today), parse_hours(tail.replace(" ", ""))
        if day is not None and hours is not None:
            return day, hours
    piece = piece.replace(" ", "")
    for cut in range(len(piece) - 1, 0, -1):
        day = _day(piece[:cut], today)
        if day is None:
            continue
        hours = parse_hours(piece[cut:])
        if hours is not None:
            return day, hours
    return None


def _single_dates(text: str, now_local: datetime) -> list[tuple[datetime, datetime]] | str:
    out = []
    for piece in filter(None, (p.strip() for p in _PIECES.split(text))):
        found = _day_and_hours(piece, now_local.date())
        if found is None:
            return "pub_bad_sessions"
        day, (start, end) = found
        out.append((datetime.combine(day, start), datetime.combine(day, end)))
    return out


def parse_moment(text: str, now_local: datetime) -> datetime | None:
    """A day and a time of day (12月10日 20:00, 明天晚上8点), ahead of now; None otherwise."""
    piece = arabic(text).replace(" ", "").replace("　", "")
    for cut in range(len(piece) - 1, 0, -1):
        day = _day(piece[:cut], now_local.date())
        clock = parse_clock(piece[cut:]) if day is not None else None
        if clock is not None:
            moment = datetime.combine(day, clock)
            return moment if moment > now_local else None
    return None
