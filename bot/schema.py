"""What a command may do with the database's schema: build it fresh, adopt it, or refuse it.

A database already at the newest revision is checked without Alembic (store.schema_version);
store.migrate, which loads it, is imported only to migrate, stamp or compare."""
from __future__ import annotations

import os
import subprocess
import sys

from store import schema_version
from store.db import Database

UPGRADE_HINT = "请先运行：linli db upgrade"


class SchemaNotReady(Exception):
    """The database cannot be used as it is; the message tells the operator what to do."""


def behind_message(current: str | None, head: str) -> str:
    """The refusal shown when migrations are missing."""
    return f"数据库结构不是最新版本（当前 {current or '无'}，最新 {head}）。{UPGRADE_HINT}"


def check_schema(db: Database) -> None:
    """Raise SchemaNotReady unless the database is at the newest revision this code ships."""
    current, head = schema_version.current_revision(db), schema_version.head_revision()
    if current == head:
        return
    if current is not None and not schema_version.known_revision(current):
        raise SchemaNotReady(f"数据库结构版本 {current} 不是本程序认识的版本（本程序最新 {head}），"
                             "可能来自更新的 linli。请换用对应版本的 linli。")
    raise SchemaNotReady(behind_message(current, head))


def adopt(db: Database) -> None:
    """Stamp a database built before migrations existed, if its tables are exactly the models'."""
    from store import migrate
    found = migrate.differences(db)
    if found:
        sample = "；".join(describe(d) for d in found[:3])
        raise SchemaNotReady(
            f"数据库里已有数据表，但没有版本记录，且结构与本程序不一致（{len(found)} 处，例如：{sample}）。"
            "请先备份，核对后手动迁移，或换一个空数据库。")
    migrate.stamp(db)


def describe(difference) -> str:
    """One autogenerate difference in a few words."""
    item = difference[0] if isinstance(difference, list) else difference
    kind, *rest = item
    names = [x if isinstance(x, str) else getattr(x, "name", None) for x in rest]
    return f"{kind} {'.'.join(str(n) for n in names if n)}".strip()


def prepare_schema(db: Database) -> None:
    """Migrate an empty database, adopt an unversioned matching one, and refuse one that is behind."""
    if not schema_version.has_version_table(db):
        if schema_version.model_tables_present(db):
            adopt(db)
        else:
            from store import migrate
            migrate.upgrade(db)
    check_schema(db)


def prepare_schema_apart(db: Database) -> None:
    """prepare_schema for a process that runs for long: when the database needs Alembic (empty, or
    built before migrations), `linli db prepare` does that work in a short-lived child process, so
    this process never loads Alembic, which an idle worker would hold for its whole life (about 13 MB)."""
    if not schema_version.has_version_table(db):
        done = subprocess.run([sys.executable, "-m", "bot.cli", "db", "prepare"], capture_output=True, text=True,
                              env={**os.environ, "LINLI_DATABASE__URL": db.url}, check=False)
        said = [line for line in done.stderr.splitlines() if line.strip()]
        if done.returncode == 2 and said:  # refused: its message is the operator's
            raise SchemaNotReady(said[-1])
        if done.returncode != 0:
            raise RuntimeError(f"linli db prepare failed with code {done.returncode}: {' | '.join(said[-3:])}")
    check_schema(db)


def upgrade_schema(db: Database) -> tuple[str | None, str]:
    """What `linli db upgrade` does: adopt or migrate up to the newest revision; (before, after)."""
    from store import migrate
    if not schema_version.has_version_table(db) and schema_version.model_tables_present(db):
        adopt(db)
    before = schema_version.current_revision(db)
    if before is not None and not schema_version.known_revision(before):
        check_schema(db)  # raises: a revision from newer code cannot be upgraded here
    migrate.upgrade(db)
    return before, schema_version.current_revision(db)
