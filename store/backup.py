"""Backups that restore: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore.

A backup may be taken while the service runs: SQLite copies one consistent snapshot (readers do
not block writers in WAL mode), pg_dump reads inside one repeatable-read transaction. Either way
the file holds every transaction committed before the backup began. A backup is written next to
its target under a temporary name and renamed when complete, so a half-written file never looks
like a backup. Restore is for a stopped service; it refuses a database that holds data unless forced.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import URL, make_url
from sqlmodel import SQLModel

from store.db import Database

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
TOOL_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed."""


class ToolMissing(BackupError):
    """pg_dump or pg_restore is not installed."""

    def __init__(self, tool: str):
        super().__init__(tool)
        self.tool = tool


class NotEmpty(BackupError):
    """The database to restore into already holds data."""

    def __init__(self, tables: list[str]):
        super().__init__(", ".join(tables))
        self.tables = tables


class NotABackup(BackupError):
    """The file is not a backup this database can be restored from."""

    def __init__(self, path: str, detail: str = ""):
        super().__init__(f"{path}: {detail}" if detail else path)
        self.path = path
        self.detail = detail


class ToolFailed(BackupError):
    """pg_dump or pg_restore ended with an error; detail is what it said."""

    def __init__(self, tool: str, detail: str):
        super().__init__(f"{tool}: {detail}")
        self.tool = tool
        self.detail = detail


@dataclass(frozen=True)
class BackupResult:
    """The file written and its size in bytes."""

    path: Path
    size: int


def tables_with_rows(db: Database) -> list[str]:
    """The model tables that hold at least one row (empty list: nothing to lose)."""
    with db.engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        return [table.name for table in SQLModel.metadata.sorted_tables
                if table.name in present and conn.execute(select(1).select_from(table).limit(1)).first()]


def _sqlite_path(db: Database) -> Path:
    name = db.engine.url.database
    if not name or name == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(name)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def backup(db: Database, path: str | Path) -> BackupResult:
    """Write a complete, consistent copy of the database to path (replaced only once complete)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = _temporary(out)
    partial.unlink(missing_ok=True)
    try:
        if db.is_postgres:
            _pg_dump(db, partial)
        else:
            _sqlite_copy(_sqlite_path(db), partial, single_file=True)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(out, out.stat().st_size)


def restore(db: Database, path: str | Path, force: bool = False) -> None:
    """Replace the database's contents with a backup; NotEmpty when it holds data and force is off."""
    source = Path(path)
    if not source.is_file():
        raise NotABackup(str(source), "not a file")
    with source.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    magic = PG_MAGIC if db.is_postgres else SQLITE_MAGIC
    if not head.startswith(magic):
        raise NotABackup(str(source))
    if db.is_postgres:
        _require("pg_restore")
    if not force:
        filled = tables_with_rows(db)
        if filled:
            raise NotEmpty(filled)
    db.dispose()  # no pooled connection of ours may hold the old contents
    if db.is_postgres:
        _pg_restore(db, source)
    else:
        _sqlite_copy(source, _sqlite_path(db), check=True)


# -- SQLite -------------------------------------------------------------------------------------

def _sqlite_copy(source: Path, target: Path, check: bool = False, single_file: bool = False) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        if check:
            try:
                ok = src.execute("PRAGMA quick_check").fetchone()
            except sqlite3.DatabaseError as exc:
                raise NotABackup(str(source), str(exc)) from exc
            if not ok or ok[0] != "ok":
                raise NotABackup(str(source), str(ok))
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            if single_file:  # a backup is one file, without the -wal and -shm beside it
                dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


# -- PostgreSQL ---------------------------------------------------------------------------------

def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise ToolMissing(tool)
    return found


def _libpq(db: Database) -> tuple[str, dict[str, str]]:
    """A libpq URL (password kept out of it, so it never shows in `ps`) and the environment."""
    url: URL = make_url(db.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _schema(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT current_schema()").scalar()


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(Path(command[0]).name, "timed out") from exc
    if done.returncode != 0:
        raise ToolFailed(Path(command[0]).name, (done.stderr or done.stdout).strip()[-2000:])


def _pg_dump(db: Database, out: Path) -> None:
    tool = _require("pg_dump")
    url, env = _libpq(db)
    schema = _schema(db) or "public"
    # Only the schema the service uses: a shared database may hold others that are not ours.
    _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema}",
          f"--file={out}", f"--dbname={url}"], env)


def _pg_restore(db: Database, source: Path) -> None:
    tool = _require("pg_restore")
    url, env = _libpq(db)
    # One transaction: a restore that fails half-way leaves the database as it was.
    _run([tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={url}", str(source)], env)
