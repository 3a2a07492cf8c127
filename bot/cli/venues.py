"""`linli venues check`: every venue against the opening-hours standard, one line each."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.app import open_database
from bot.clock import utcnow
from bot.report.months import parse_month
from bot.report.opening import VenueCheck, check_venues, compliant_share, rules_of
from bot.settings import Settings, get_settings
from store.db import Database

HEADERS = ("编号", "场馆", "类型", "每周小时", "最低要求", "周末", "节假日", "结果", "原因")


def period(settings: Settings, now: datetime, year: int | None, month: str | None) -> tuple[date, date] | None:
    """First and last day checked: the month given, else the year given, else this year."""
    tz = ZoneInfo(settings.general.timezone)
    if month:
        found = parse_month(month, tz)
        if found is None:
            return None
        first = date(found.year, found.month, 1)
        after = date(found.year + found.month // 12, found.month % 12 + 1, 1)
        return first, date.fromordinal(after.toordinal() - 1)
    year = year or now.replace(tzinfo=timezone.utc).astimezone(tz).year
    return date(year, 1, 1), date(year, 12, 31)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def row_of(check: VenueCheck) -> tuple[str, ...]:
    """The printed cells of one venue."""
    minimum = f"{check.minimum:g}" if check.minimum is not None else "—"
    return (check.code, check.name, check.kind_label, f"{check.hours:g}", minimum, check.weekend_text,
            check.holiday_text, check.result, "；".join(check.reasons))


def print_table(checks: list[VenueCheck], first: date, last: date, out: TextIO) -> None:
    """The checks as aligned columns, then one summary line."""
    rows = [HEADERS, *(row_of(c) for c in checks)]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(HEADERS) - 1)]
    for row in rows:
        print("  ".join(_pad(cell, w) for cell, w in zip(row, widths)) + "  " + row[-1], file=out)
    assessed, passed, share = compliant_share(checks)
    rate = f"{share:.1%}" if share is not None else "—"
    print(f"统计期间 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}：考核 {assessed} 个场馆，达标 {passed} 个（{rate}）",
          file=out)


def venues_check(db: Database, settings: Settings, now: datetime, year: int | None = None,
                 month: str | None = None, venue_ids=None, out: TextIO | None = None) -> int:
    """Print the check; 0 when every venue assessed complies, 1 when one does not, 2 for a bad month."""
    span = period(settings, now, year, month)
    if span is None:
        print(f"月份格式不对：{month!r}（请写成 2026-11）", file=sys.stderr)
        return 2
    with db.session() as session:
        checks = check_venues(session, rules_of(settings), *span, venue_ids=venue_ids)
    print_table(checks, *span, out or sys.stdout)
    return 1 if any(c.assessed and not c.compliant for c in checks) else 0


def cmd_venues_check(args: argparse.Namespace) -> int:
    """linli venues check [--year YYYY | --month YYYY-MM]."""
    settings = get_settings()
    return venues_check(open_database(settings), settings, utcnow(), args.year, args.month)


def add_commands(sub) -> None:
    """`linli venues check`."""
    venues = sub.add_parser("venues", help="场馆开放时间达标检查")
    venues_sub = venues.add_subparsers(dest="venues_command", required=True)
    check = venues_sub.add_parser("check", help="每个场馆的每周开放时长、周末和节假日开放，对照示范区标准")
    when = check.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, default=None, help="按这一年的节假日检查（默认今年）")
    when.add_argument("--month", default=None, help="只看这个月的节假日，如 2026-10")
    check.set_defaults(func=cmd_venues_check)
