"""A time window as residents read it and as the store asks for it."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.search.when import PARTS, When, days

SPAN_KEYS = {"today": "wo_span_today", "tomorrow": "wo_span_tomorrow", "after": "wo_span_after",
             "week": "wo_span_week", "weekend": "wo_span_weekend", "nweek": "wo_span_nweek",
             "nweekend": "wo_span_nweekend", "soon": "wo_span_soon"}
PART_KEYS = {"am": "wo_part_am", "noon": "wo_part_noon", "pm": "wo_part_pm", "eve": "wo_part_eve"}


def today(ctx: Context) -> date:
    """The local date of the service clock."""
    return to_local(ctx.now, ctx.tz).date()


def utc_range(ctx: Context, when: When) -> tuple[datetime, datetime]:
    """Naive UTC [start, end) of the days a When means, never starting before now."""
    first, last = days(when.span, today(ctx))
    start = datetime.combine(first, time(0), tzinfo=ctx.tz).astimezone(timezone.utc).replace(tzinfo=None)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=ctx.tz)
    return max(start, ctx.now), end.astimezone(timezone.utc).replace(tzinfo=None)


def in_part(ctx: Context, when: When, starts_at: datetime) -> bool:
    """True when a session starts in the part of the day asked for (any, when none was)."""
    if not when.part:
        return True
    low, high = PARTS[when.part]
    return low <= to_local(starts_at, ctx.tz).hour < high


def span_label(ctx: Context, when: When) -> str:
    """'周六上午', '本周', '下周二'."""
    if when.span in SPAN_KEYS:
        label = ctx.t(SPAN_KEYS[when.span])
    else:
        weekday = ctx.t("weekday")[int(when.span[1])]
        label = ctx.t("wo_span_day" if when.span[0] == "d" else "wo_span_nday", weekday=weekday)
    return label + (ctx.t(PART_KEYS[when.part]) if when.part else "")


def dates_label(ctx: Context, when: When) -> str:
    """'12月5日' or '12月1日–12月6日'."""
    first, last = days(when.span, today(ctx))
    one = ctx.t("wo_date", month=first.month, day=first.day)
    if first == last:
        return one
    return ctx.t("wo_dates", first=one, last=ctx.t("wo_date", month=last.month, day=last.day))
