"""`linli feedback --month YYYY-MM`: the month's feedback by category and the subjects wished for most."""
from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.app import open_database
from bot.search.synonyms import load_synonyms
from bot.settings import get_settings
from bot.texts import t
from store.db import Database
from store.feedback import month_summary
from store.models.feedback import FEEDBACK_CATEGORIES

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
TOP_SUBJECTS = 10


def parse_month(text: str) -> tuple[int, int] | None:
    """'2026-12' → (2026, 12); None when it is not a month."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return int(match.group(1)), int(match.group(2))


def print_feedback(db: Database, year: int, month: int, out: TextIO | None = None,
                   timezone_name: str = "Asia/Shanghai", lang: str = "zh") -> dict:
    """Print one month's summary (to stdout unless told); returns it."""
    out = out or sys.stdout
    summary = month_summary(db, year, month, timezone_name, synonyms=load_synonyms())
    total, handled = summary["total"], summary["handled"]
    print(f"需求反馈汇总：{year}年{month}月", file=out)
    print(f"共 {total} 条，已处理 {handled} 条，待处理 {total - handled} 条", file=out)
    print("按类别：", file=out)
    for category in FEEDBACK_CATEGORIES:
        print(f"  {t(f'fb_cat_{category}', lang)}：{summary['by_category'][category]}", file=out)
    subjects = summary["subjects"][:TOP_SUBJECTS]
    print("居民最想要的项目（课程需求和其他意见里提到的）：", file=out)
    if not subjects:
        print("  （本月没有提到具体项目）", file=out)
    for rank, (name, count) in enumerate(subjects, 1):
        print(f"  {rank}. {name}：{count} 条", file=out)
    return summary


def run_feedback(settings, month_text: str | None, out: TextIO | None = None) -> int:
    """The command itself: this month when none is given; a bad month is exit code 2."""
    if month_text:
        parsed = parse_month(month_text)
        if parsed is None:
            print(f"月份格式不对：{month_text}，请写成 2026-12 这样。", file=sys.stderr)
            return 2
    else:
        today = datetime.now(ZoneInfo(settings.general.timezone))
        parsed = (today.year, today.month)
    db = open_database(settings)
    try:
        print_feedback(db, *parsed, out=out, timezone_name=settings.general.timezone,
                       lang=settings.general.language)
    finally:
        db.dispose()
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    """A month of residents' feedback by category, and the subjects wished for most."""
    return run_feedback(get_settings(), args.month)


def add_commands(sub) -> None:
    """`linli feedback [--month YYYY-MM]`."""
    feedback = sub.add_parser("feedback", help="居民意见反馈的月度汇总")
    feedback.add_argument("--month", default=None, help="月份，如 2026-12（默认本月）")
    feedback.set_defaults(func=cmd_feedback)
