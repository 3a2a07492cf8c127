"""`linli import catalog|venues|services|units FILE`: a bad file is rejected whole, every problem listed."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.app import import_catalogue, open_database
from bot.settings import get_settings
from store.db import Database
from store.services_import import import_services
from store.tabular import FileRejected
from store.units_import import import_units
from store.venue_import import import_venues


def run_import(load: Callable[[Database, Path], Any], file: str) -> int:
    """Import one file and print what changed: 0 done, 1 rejected (nothing changed), 2 no such file."""
    path = Path(file)
    if not path.exists():
        print(f"找不到文件：{path}", file=sys.stderr)
        return 2
    try:
        report = load(open_database(get_settings()), path)
    except FileRejected as rejected:
        print("导入失败，文件未做任何改动：", file=sys.stderr)
        print(rejected.format_problems(), file=sys.stderr)
        return 1
    summary = report.summary() if hasattr(report, "summary") else report if isinstance(report, dict) else vars(report)
    print(json.dumps(summary, ensure_ascii=False, default=str))
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    """Courses and their sessions (local times); reminders re-planned, moves and cancellations announced."""
    settings = get_settings()
    return run_import(lambda db, path: import_catalogue(db, settings, path), args.file)


def cmd_venues(args: argparse.Namespace) -> int:
    """Venues and their bookable rooms."""
    minimums = get_settings().venues.min_weekly_hours
    return run_import(lambda db, path: import_venues(db, path, minimums), args.file)


def cmd_services(args: argparse.Namespace) -> int:
    """The services residents can order."""
    return run_import(import_services, args.file)


def cmd_units(args: argparse.Namespace) -> int:
    """The tree of units: 总馆, 分馆, 服务点."""
    names = get_settings().units.level_names
    return run_import(lambda db, path: import_units(db, path, names), args.file)


def add_commands(sub) -> None:
    """`linli import catalog`, `linli import venues`, `linli import services`, `linli import units`."""
    imp = sub.add_parser("import", help="导入数据")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    for name, help_text, func in (
            ("catalog", "导入课程目录（CSV 或 XLSX）", cmd_catalog),
            ("venues", "导入场馆和可预约房间（CSV 或 XLSX）", cmd_venues),
            ("services", "导入可点单的服务（CSV 或 XLSX：code,name,kind,description）", cmd_services),
            ("units", "导入总馆、分馆、服务点（CSV 或 XLSX：code,name,level,parent,address,contact）", cmd_units)):
        what = imp_sub.add_parser(name, help=help_text)
        what.add_argument("file")
        what.set_defaults(func=func)
