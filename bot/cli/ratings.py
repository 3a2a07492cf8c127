"""`linli ratings`: 优/良/中/差 counts, the share of 优+良 and the comments, for organizers."""
from __future__ import annotations

import argparse
import sys
from datetime import timezone
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.app import open_database
from bot.settings import get_settings
from store.db import Database
from store.models.rating import GRADES
from store.ratings import ratings_summary


def print_ratings(db: Database, course_code: str | None = None, teacher: str | None = None,
                  out: TextIO = sys.stdout, timezone_name: str = "Asia/Shanghai") -> dict:
    """Print the ratings of one course, one teacher or everything; returns the summary."""
    summary = ratings_summary(db, course_code=course_code, teacher=teacher)
    scope = (f"课程 {course_code}" if course_code else "") + (f" 讲师 {teacher}" if teacher else "")
    print(f"评价统计：{scope.strip() or '全部课程'}", file=out)
    print(f"评价总数：{summary['total']}", file=out)
    for grade in GRADES:
        print(f"{grade}：{summary['counts'][grade]}", file=out)
    share = summary["good_share"]
    print(f"优良率：{share * 100:.1f}%" if share is not None else "优良率：—", file=out)
    comments = summary["comments"]
    print(f"意见（{len(comments)} 条）：", file=out)
    tz = ZoneInfo(timezone_name)
    for item in comments:
        day = item["session_starts_at"].replace(tzinfo=timezone.utc).astimezone(tz)
        print(f"- [{item['grade']}] {item['course']} {day:%Y-%m-%d} {item['teacher']}：{item['comment']}",
              file=out)
    return summary


def cmd_ratings(args: argparse.Namespace) -> int:
    """优/良/中/差 counts, share of 优+良 and comments of a course or teacher."""
    settings = get_settings()
    print_ratings(open_database(settings), course_code=args.course, teacher=args.teacher,
                  timezone_name=settings.general.timezone)
    return 0


def add_commands(sub) -> None:
    """`linli ratings [--course CODE | --teacher NAME]`."""
    ratings = sub.add_parser("ratings", help="课程或讲师的满意度评价")
    who = ratings.add_mutually_exclusive_group()
    who.add_argument("--course", help="课程编号")
    who.add_argument("--teacher", help="讲师姓名")
    ratings.set_defaults(func=cmd_ratings)
