"""`linli db upgrade`, `linli db prepare` and `linli db current`: the database's schema version."""
from __future__ import annotations

import argparse
import sys

from bot.app import connect_database
from bot.schema import SchemaNotReady, prepare_schema, upgrade_schema
from bot.settings import get_settings
from store.schema_version import current_revision, head_revision


def cmd_upgrade(args: argparse.Namespace) -> int:
    """Bring the configured database to the newest schema."""
    db = connect_database(get_settings())
    try:
        before, after = upgrade_schema(db)
    except SchemaNotReady as refused:
        print(refused, file=sys.stderr)
        return 2
    finally:
        db.dispose()
    if before == after:
        print(f"数据库结构已是最新版本（{after}）")
    else:
        print(f"数据库结构已从 {before or '空库'} 升级到 {after}")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    """What every command does to the database at start: build an empty one, adopt one built before
    migrations, refuse one that is behind (exit 2)."""
    db = connect_database(get_settings())
    try:
        prepare_schema(db)
    finally:
        db.dispose()
    print(f"数据库结构可用（{head_revision()}）")
    return 0


def cmd_current(args: argparse.Namespace) -> int:
    """Show the database's schema version and the newest one; exit 1 when it is behind."""
    db = connect_database(get_settings())
    try:
        current = current_revision(db)
    finally:
        db.dispose()
    head = head_revision()
    print(f"当前版本：{current or '无'}")
    print(f"最新版本：{head}")
    if current != head:
        print("需要升级：linli db upgrade", file=sys.stderr)
        return 1
    return 0


def add_commands(sub) -> None:
    """`linli db upgrade`, `linli db prepare` and `linli db current`."""
    db = sub.add_parser("db", help="数据库结构：升级、查看版本")
    db_sub = db.add_subparsers(dest="what", required=True)
    db_sub.add_parser("upgrade", help="把数据库结构升级到最新版本").set_defaults(func=cmd_upgrade)
    db_sub.add_parser("prepare", help="空库建表、旧库收编；结构落后则拒绝（每个命令启动时都会这样检查）").set_defaults(
        func=cmd_prepare)
    db_sub.add_parser("current", help="查看数据库结构的当前版本和最新版本").set_defaults(func=cmd_current)
