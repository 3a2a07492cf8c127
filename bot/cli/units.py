"""`linli units`: the district's tree of units, one line each, indented under its parent."""
from __future__ import annotations

import argparse
import sys
from typing import TextIO

from bot.app import open_database
from bot.settings import Settings, get_settings
from store.db import Database
from store.units import level_name, load_tree


def print_tree(db: Database, settings: Settings, out: TextIO | None = None) -> int:
    """Print every unit as "code  name（level）" indented by depth; 1 when there are none."""
    with db.session() as session:
        tree = load_tree(session)
        lines = [f"{'  ' * depth}{unit.code}  {unit.name}（{level_name(unit.level, settings.units.level_names)}）"
                 + (f"  {unit.address}" if unit.address else "") + (f"  {unit.contact}" if unit.contact else "")
                 for depth, unit in tree.walk()]
    if not lines:
        print("还没有单位。请用 linli import units FILE 导入（列：code,name,level,parent）", file=sys.stderr)
        return 1
    print("\n".join(lines), file=out or sys.stdout)
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    """Print the tree of units."""
    settings = get_settings()
    return print_tree(open_database(settings), settings)


def add_commands(sub) -> None:
    """`linli units`."""
    units = sub.add_parser("units", help="列出总馆、分馆、服务点（单位树）")
    units.set_defaults(func=cmd_units)
