"""Time words residents type ("明天上午", "周六的太极", "这周末书法"): which days and which part of
the day they mean, and the subject left once the time and question words are taken out."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

TODAY, TOMORROW, AFTER, WEEK, WEEKEND, NEXT_WEEK, NEXT_WEEKEND, SOON = (
    "today", "tomorrow", "after", "week", "weekend", "nweek", "nweekend", "soon")
# A weekday is "d0" (Monday) … "d6" (Sunday) this week or later, "n0" … "n6" next week.
DAY_NUMBERS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
# Local hours [from, to) of each part of the day.
PARTS = {"am": (0, 12), "noon": (11, 14), "pm": (12, 18), "eve": (18, 24)}

_WK = r"(?:周|星期|礼拜)"
_D = "([一二三四五六日天七])"
_SPANS: list[tuple[re.Pattern, str]] = [(re.compile(p), span) for p, span in (
    (rf"下个?{_WK}末", NEXT_WEEKEND),
    (rf"(?:这|本)个?{_WK}末|周末|双休日", WEEKEND),
    (rf"下个?{_WK}{_D}", "n"),
    (rf"(?:这|本)?个?{_WK}{_D}", "d"),
    (rf"下个?{_WK}", NEXT_WEEK),
    (rf"(?:这|本)个?{_WK}|一周内?|七天内?", WEEK),
    (r"今天|今日|今儿|今晚", TODAY),
    (r"明天|明日|明儿|明晚", TOMORROW),
    (r"后天", AFTER),
    (r"最近|近期|这几天|近几天|近来", SOON),
)]
_PARTS: list[tuple[re.Pattern, str]] = [(re.compile(p), part) for p, part in (
    (r"上午|早上|早晨|清早", "am"),
    (r"中午", "noon"),
    (r"下午", "pm"),
    (r"晚上|傍晚|晚间|夜里|今晚|明晚", "eve"),
)]
# Question words and particles around a time word: "明天有什么课？" asks for no subject.
_FILLER = re.compile(r"有什么|有啥|有哪些|有没有|什么|哪些|课程|活动|安排|节目|可以|参加|我想|想去|想|"
                     r"看看|查查|一下|都有|请问|[的了吗呢呀啊吧么嘛？?！!，,。.、~～\s]")
_TRAILING = re.compile(r"(?:课|班|的)+$")


@dataclass(frozen=True)
class When:
    """The days a time word means (a span code), the part of the day ("" for all of it) and the
    subject typed with it ("" for none)."""

    span: str
    part: str = ""
    rest: str = ""

    @property
    def code(self) -> str:
        """'tomorrow' or 'd5.am': the span and part, short enough for a button."""
        return f"{self.span}.{self.part}" if self.part else self.span


def from_code(code: str) -> When | None:
    """The When a code stands for, or None when it is not one."""
    span, _, part = (code or "").partition(".")
    if part and part not in PARTS:
        return None
    if span in (TODAY, TOMORROW, AFTER, WEEK, WEEKEND, NEXT_WEEK, NEXT_WEEKEND, SOON):
        return When(span, part)
    if len(span) == 2 and span[0] in "dn" and span[1] in "0123456":
        return When(span, part)
    return None


def find_when(text: str) -> When | None:
    """The time words in what a resident typed, or None when there are none."""
    rest, span, part = text or "", "", ""
    for pattern, name in _PARTS:
        match = pattern.search(rest)
        if match:
            part = name
            if match.group(0) in ("今晚", "明晚"):
                span = TODAY if match.group(0) == "今晚" else TOMORROW
            rest = rest[:match.start()] + " " + rest[match.end():]
            break
    for pattern, name in _SPANS:
        if span:
            break
        match = pattern.search(rest)
        if match:
            span = name + str(DAY_NUMBERS[match.group(1)]) if name in ("d", "n") else name
            rest = rest[:match.start()] + " " + rest[match.end():]
            break
    if not span and not part:
        return None
    subject = _TRAILING.sub("", _FILLER.sub("", rest))
    return When(span or TODAY, part, subject)


def days(span: str, today: date) -> tuple[date, date]:
    """The first and last day (both included) a span means, seen from today."""
    monday = today - timedelta(days=today.weekday())
    if span == TODAY:
        return today, today
    if span == TOMORROW:
        return today + timedelta(days=1), today + timedelta(days=1)
    if span == AFTER:
        return today + timedelta(days=2), today + timedelta(days=2)
    if span == WEEK:
        return today, monday + timedelta(days=6)
    if span == WEEKEND:
        return max(today, monday + timedelta(days=5)), monday + timedelta(days=6)
    if span == NEXT_WEEK:
        return monday + timedelta(days=7), monday + timedelta(days=13)
    if span == NEXT_WEEKEND:
        return monday + timedelta(days=12), monday + timedelta(days=13)
    if span == SOON:
        return today, today + timedelta(days=13)
    if span[:1] == "d":
        day = today + timedelta(days=(int(span[1]) - today.weekday()) % 7)
        return day, day
    if span[:1] == "n":
        day = monday + timedelta(days=7 + int(span[1]))
        return day, day
    raise ValueError(f"not a span: {span!r}")
