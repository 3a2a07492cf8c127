"""`linli venues check`: every venue against the opening-hours standard, one line each, then the
share of compliant venues of every unit (with what is under it)."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.app import open_database
from bot.clock import utcnow
from bot.report.attribution import tree_order, venue_units
from bot.report.months import parse_month
from bot.report.opening import VenueCheck, check_venues, compliant_share, rules_of
from bot.settings import Settings, get_settings
from store.db import Database
from store.units import Tree, load_tree, unit_by_code

HEADERS = ("编号", "场馆", "类型", "单位", "每周小时", "最低要求", "周末", "节假日", "结果", "原因")
UNIT_HEADERS = ("单位", "考核场馆", "达标", "达标率")


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


def _print_columns(rows: list[tuple[str, ...]], out: TextIO) -> None:
    """Rows as aligned columns, the last one left ragged."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)]
        print("  ".join([*cells, row[-1]]).rstrip(), file=out)


def _rate(share: float | None) -> str:
    return f"{share:.1%}" if share is not None else "—"


def row_of(check: VenueCheck, unit: str) -> tuple[str, ...]:
    """The printed cells of one venue."""
    minimum = f"{check.minimum:g}" if check.minimum is not None else "—"
    return (check.code, check.name, check.kind_label, unit, f"{check.hours:g}", minimum, check.weekend_text,
            check.holiday_text, check.result, "；".join(check.reasons))


def unit_rows(tree: Tree, order: list[int], units_of: dict[int, int | None],
              checks: list[VenueCheck]) -> list[tuple[str, ...]]:
    """Each unit (indented by depth) with the venues assessed and compliant in its subtree."""
    depth = {u.id: d for d, u in tree.walk()}
    rows = []
    for unit_id in order:
        inside = tree.subtree(unit_id)
        assessed, passed, share = compliant_share(c for c in checks if units_of.get(c.venue_id) in inside)
        rows.append(("  " * (depth[unit_id] - depth[order[0]]) + tree.units[unit_id].name,
                     str(assessed), str(passed), _rate(share)))
    return rows


def venues_check(db: Database, settings: Settings, now: datetime, year: int | None = None,
                 month: str | None = None, unit: str | None = None, out: TextIO | None = None) -> int:
    """Print the check; 0 when every venue assessed complies, 1 when one does not, 2 for a bad month
    or an unknown unit."""
    out = out or sys.stdout
    span = period(settings, now, year, month)
    if span is None:
        print(f"月份格式不对：{month!r}（请写成 2026-11）", file=sys.stderr)
        return 2
    with db.session() as session:
        tree = load_tree(session)
        units_of = venue_units(session, tree)
        order = tree_order(tree)
        venue_ids = None
        if unit is not None:
            top = unit_by_code(session, unit)
            if top is None:
                print(f"没有编号为 {unit} 的单位（linli units 列出全部单位）", file=sys.stderr)
                return 2
            order = tree_order(tree, top.id)
            venue_ids = [v for v, u in units_of.items() if u in set(order)]
        checks = check_venues(session, rules_of(settings), *span, venue_ids=venue_ids)
    names = {v: tree.units[u].name for v, u in units_of.items() if u in tree.units}
    _print_columns([HEADERS, *(row_of(c, names.get(c.venue_id, "")) for c in checks)], out)
    if order:
        print(file=out)
        _print_columns([UNIT_HEADERS, *unit_rows(tree, order, units_of, checks)], out)
    assessed, passed, share = compliant_share(checks)
    print(f"统计期间 {span[0]:%Y-%m-%d} 至 {span[1]:%Y-%m-%d}：考核 {assessed} 个场馆，达标 {passed} 个（{_rate(share)}）",
          file=out)
    return 1 if any(c.assessed and not c.compliant for c in checks) else 0


def cmd_venues_check(args: argparse.Namespace) -> int:
    """linli venues check [--year YYYY | --month YYYY-MM] [--unit CODE]."""
    settings = get_settings()
    return venues_check(open_database(settings), settings, utcnow(), args.year, args.month, args.unit)


def add_commands(sub) -> None:
    """`linli venues check`."""
    venues = sub.add_parser("venues", help="场馆开放时间达标检查")
    venues_sub = venues.add_subparsers(dest="venues_command", required=True)
    check = venues_sub.add_parser("check", help="每个场馆的每周开放时长、周末和节假日开放，对照示范区标准")
    when = check.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, default=None, help="按这一年的节假日检查（默认今年）")
    when.add_argument("--month", default=None, help="只看这个月的节假日，如 2026-10")
    check.add_argument("--unit", default=None, help="只看这个单位（编号）及其下级的场馆")
    check.set_defaults(func=cmd_venues_check)
