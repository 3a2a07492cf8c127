"""`linli backup FILE` and `linli restore FILE [--force]`: the configured database to a file and back."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from bot.settings import get_settings
from store.backup import BackupError, NotABackup, NotEmpty, ToolFailed, ToolMissing, backup, restore
from store.db import Database

MISSING_TOOL = ("找不到 {tool}：备份和恢复 PostgreSQL 需要 PostgreSQL 客户端工具"
                "（Debian/Ubuntu：sudo apt-get install postgresql-client，版本不低于数据库服务器）。")


def _database() -> Database:
    settings = get_settings()
    return Database(settings.database.url, echo=settings.database.echo, pool_size=2)


def run_backup(db: Database, path: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Back the database up to path; the exit code (2: tools missing, 1: the backup failed)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        result = backup(db, path)
    except ToolMissing as exc:
        print(MISSING_TOOL.format(tool=exc.tool), file=err)
        return 2
    except ToolFailed as exc:
        print(f"备份失败，未写入任何文件：{exc.detail}", file=err)
        return 1
    except (BackupError, OSError) as exc:
        print(f"备份失败，未写入任何文件：{exc}", file=err)
        return 1
    print(f"已备份到 {result.path}（{result.size / 1024:.1f} KB）", file=out)
    return 0


def run_restore(db: Database, path: str, force: bool, out: TextIO | None = None,
                err: TextIO | None = None) -> int:
    """Restore the database from path; the exit code (2: refused or tools missing, 1: failed)."""
    out, err = out or sys.stdout, err or sys.stderr
    if not Path(path).is_file():
        print(f"找不到文件：{path}", file=err)
        return 2
    try:
        restore(db, path, force=force)
    except ToolMissing as exc:
        print(MISSING_TOOL.format(tool=exc.tool), file=err)
        return 2
    except NotABackup as exc:
        print(f"这不是当前数据库能用的备份文件（SQLite 要用 linli backup 做的 SQLite 备份，"
              f"PostgreSQL 要用 pg_dump 的 custom 格式）：{exc.path}", file=err)
        return 2
    except NotEmpty as exc:
        print(f"数据库里已经有数据（{'、'.join(exc.tables[:5])} 等），未做任何改动。"
              "确定要用备份覆盖它，请加 --force。", file=err)
        return 2
    except ToolFailed as exc:
        print(f"恢复失败，数据库未改动：{exc.detail}", file=err)
        return 1
    except (BackupError, OSError, sqlite3.Error) as exc:
        print(f"恢复失败：{exc}", file=err)
        return 1
    print(f"已从 {path} 恢复。如果备份来自旧版本，请再运行 linli db upgrade。", file=out)
    return 0


def cmd_backup(args) -> int:
    """linli backup FILE."""
    db = _database()
    try:
        return run_backup(db, args.file)
    finally:
        db.dispose()


def cmd_restore(args) -> int:
    """linli restore FILE [--force]."""
    db = _database()
    try:
        return run_restore(db, args.file, args.force)
    finally:
        db.dispose()


def add_commands(sub) -> None:
    """`linli backup FILE` and `linli restore FILE [--force]`."""
    made = sub.add_parser("backup", help="把数据库备份到文件（服务运行时也可以）")
    made.add_argument("file", help="备份文件路径")
    made.set_defaults(func=cmd_backup)
    back = sub.add_parser("restore", help="从备份文件恢复数据库（请先停止服务）")
    back.add_argument("file", help="备份文件路径")
    back.add_argument("--force", action="store_true", help="数据库里已有数据时也覆盖")
    back.set_defaults(func=cmd_restore)
