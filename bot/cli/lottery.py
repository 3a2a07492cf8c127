"""`linli lottery draw COURSE_CODE --seed S [--check]`: a lottery course's draw, or its check."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TextIO

from bot.app import open_database
from bot.clock import utcnow
from bot.dialogs.pushes.lottery import tell_draw_results
from bot.settings import Settings, get_settings
from bot.texts import t
from store.db import Database
from store.lottery import LotteryError, check_lottery, run_lottery
from store.models import Course


def lottery_from_cli(db: Database, settings: Settings, code: str, seed: str | None, check: bool, now: datetime,
                     out: TextIO = sys.stdout) -> int:
    """Draw (seats written, everyone told) or, with check, re-run the recorded draw; the exit code."""
    rules = {"first_timers_first": settings.lottery.first_timers_first,
             "own_community_first": settings.lottery.own_community_first}
    try:
        with db.session() as session:
            if check:
                result = check_lottery(session, code, seed or "")
                draw, status = result.draw, result.status
                extra = {"recorded_seated": result.recorded_seated,
                         "candidates_changed": result.candidates_changed}
            else:
                draw = run_lottery(session, code, seed, now, rules)
                course = session.get(Course, draw.course_id)
                tell_draw_results(session, settings, course, draw, now)
                status, extra = "drawn", {}
    except LotteryError as error:
        print(t(f"lottery_{error.code}", **error.values), file=sys.stderr)
        return 2
    print(json.dumps({"status": status, "course": code, "seed": draw.seed, "applicants": len(draw.candidates),
                      "digest": draw.digest, "seated": draw.seated, "waiting": draw.waiting, **extra},
                     ensure_ascii=False), file=out)
    return 0 if status in ("drawn", "match") else 1


def cmd_lottery_draw(args: argparse.Namespace) -> int:
    """linli lottery draw COURSE_CODE --seed S [--check]."""
    settings = get_settings()
    return lottery_from_cli(open_database(settings), settings, args.code, args.seed, args.check, utcnow())


def add_commands(sub) -> None:
    """`linli lottery draw`."""
    lottery = sub.add_parser("lottery", help="摇号报名：摇号、复核")
    lottery_sub = lottery.add_subparsers(dest="what", required=True)
    draw = lottery_sub.add_parser("draw", help="为摇号课程摇号（--check 按种子复核，不改任何记录）")
    draw.add_argument("code", help="课程编号")
    draw.add_argument("--seed", required=True, help="随机种子（记录在审计日志里，复核时再用）")
    draw.add_argument("--check", action="store_true", help="按种子重新摇一遍，和记录对照")
    draw.set_defaults(func=cmd_lottery_draw)
