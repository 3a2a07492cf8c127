"""`linli attendance --course CODE --out FILE.xlsx`: a course's attendance for organizers."""
from __future__ import annotations

import argparse
import sys
from zoneinfo import ZoneInfo

from bot.app import open_database
from bot.clock import SystemClock
from bot.report.attendance import write_attendance
from bot.settings import get_settings
from store.catalog import course_by_code


def cmd_attendance(args: argparse.Namespace) -> int:
    """Write the course's attendance workbook; 2 for an unknown course."""
    settings = get_settings()
    with open_database(settings).session() as s:
        course = course_by_code(s, args.course)
        if course is None:
            print(f"没有找到课程：{args.course}", file=sys.stderr)
            return 2
        out = write_attendance(s, course, SystemClock().now(), ZoneInfo(settings.general.timezone), args.out)
    print(out)
    return 0


def add_commands(sub) -> None:
    """`linli attendance --course CODE --out FILE.xlsx`."""
    attendance = sub.add_parser("attendance", help="导出一门课程的出勤（点名、签到、请假）")
    attendance.add_argument("--course", required=True, help="课程编号")
    attendance.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    attendance.set_defaults(func=cmd_attendance)
