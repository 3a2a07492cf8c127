"""`linli report --month YYYY-MM --out FILE.xlsx`: the monthly workbook, and its charts on request."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.app import open_database
from bot.clock import utcnow
from bot.privacy import phone_cipher
from bot.report.months import parse_month
from bot.report.opening import level_names_of, rules_of
from bot.settings import Settings, get_settings
from store.db import Database
from store.roles import audit


def write_report(db: Database, settings: Settings, month_text: str, out: Path, now: datetime,
                 charts_dir: Path | None = None, stdout: TextIO | None = None, unit: str | None = None) -> int:
    """Write one month's workbook (and charts), of one unit's subtree when a unit code is given; the
    exit code."""
    from bot.report.monthly import UnknownUnit, monthly_report  # matplotlib loads only when a report is made
    tz = ZoneInfo(settings.general.timezone)
    month = parse_month(month_text, tz)
    if month is None:
        print(f"月份格式不对：{month_text!r}（请写成 2026-11）", file=sys.stderr)
        return 2
    if out.suffix.lower() != ".xlsx":
        print(f"输出文件要以 .xlsx 结尾：{out}", file=sys.stderr)
        return 2
    with db.session() as session:
        try:
            report = monthly_report(session, month, now, tz, out, charts_dir=charts_dir,
                                    open_phone=phone_cipher(settings, db.url).open, rules=rules_of(settings),
                                    unit=unit, level_names=level_names_of(settings))
        except UnknownUnit:
            print(f"没有编号为 {unit} 的单位（linli units 列出全部单位）", file=sys.stderr)
            return 2
        detail = {"file": out.name, **({"unit": unit} if unit else {})}
        audit(session, "report.monthly", actor="cli", target=month.key, detail=detail, now=now)
    data = report.data
    print(json.dumps({"month": month.key, "workbook": str(report.workbook), **({"unit": unit} if unit else {}),
                      "charts": [str(p) for p in report.charts], "sessions": len(data.sessions),
                      "visits": data.visits}, ensure_ascii=False), file=stdout or sys.stdout)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """linli report --month YYYY-MM --out FILE.xlsx [--charts DIR]."""
    settings = get_settings()
    charts = Path(args.charts) if args.charts else None
    return write_report(open_database(settings), settings, args.month, Path(args.out), utcnow(), charts,
                        unit=args.unit)


def add_commands(sub) -> None:
    """`linli report`."""
    report = sub.add_parser("report", help="月度统计报表（Excel）")
    report.add_argument("--month", required=True, help="月份，如 2026-11")
    report.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    report.add_argument("--charts", default=None, help="同时把图表（PNG）存到这个文件夹")
    report.add_argument("--unit", default=None, help="只统计这个单位（编号）及其下级")
    report.set_defaults(func=cmd_report)
