"""`linli backup FILE` / `linli restore FILE`: a backup taken while residents sign up restores every
sign-up committed before it began, on SQLite and on PostgreSQL; restore never overwrites data unasked."""
from __future__ import annotations

import io
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from bot.cli import main
from bot.cli.backup import run_backup, run_restore
from bot.clock import utcnow
from bot.settings import get_settings
from store.backup import tables_with_rows
from store.db import Database
from store.enrolments import take_seat
from store.models import Enrolment, Resident
from tests.conftest import ROOT
from tests.support.catalog import add_course
from tests.support.databases import postgres_base_url

SIGNERS = 4


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


class SignUps:
    """Residents signing up for one course in threads, each id noted once its transaction committed."""

    def __init__(self, db: Database, course_id: int):
        self.db, self.course_id = db, course_id
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(SIGNERS)]

    def _run(self) -> None:
        while not self.stop.is_set():
            with self.db.session() as s:
                person = Resident(display_name="居民")
                s.add(person)
                s.flush()
                take_seat(s, person.id, self.course_id)
                resident_id = person.id
            self.committed.append(resident_id)  # only after the commit returned

    def __enter__(self) -> SignUps:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.fixture
def fresh_target(db, tmp_path):
    """Makes an empty database of db's kind to restore into, once the test has read db.

    PostgreSQL: a backup names its schema, so db's private schema is moved aside and the restore
    builds it afresh under its own name (no database is created or dropped on the shared server).
    """
    made: list[Database] = []
    moved: list[str] = []

    def make() -> Database:
        if db.is_postgres:
            schema = _schema_of(db)
            db.dispose()
            with _admin() as conn:
                conn.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_src"'))
            moved.append(f"{schema}_src")
            target = Database(db.url, pool_size=2)
        else:
            target = Database(f"sqlite:///{tmp_path / 'restored.db'}")
        made.append(target)
        return target

    yield make
    for target in made:
        target.dispose()
    for schema in moved:
        with _admin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@contextmanager
def _admin():
    engine = create_engine(postgres_base_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _schema_of(db: Database) -> str:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT current_schema()")).scalar()


def signed_up(db: Database) -> set[int]:
    with db.session() as s:
        return set(s.exec(select(Enrolment.resident_id)))


def test_a_backup_during_sign_ups_restores_every_sign_up_committed_before_it(db, fresh_target, tmp_path):
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", capacity=50, first_start=utcnow() + timedelta(days=3))
    path = tmp_path / "linli.backup"
    with SignUps(db, course.id) as traffic:
        wait_for(lambda: len(traffic.committed) >= 40)
        before = set(traffic.committed)
        assert run_backup(db, str(path), out=io.StringIO()) == 0
        wait_for(lambda: len(traffic.committed) >= len(before) + 20)  # still signing up after it
    everyone = signed_up(db)
    fresh = fresh_target()
    assert tables_with_rows(fresh) == []
    out, err = io.StringIO(), io.StringIO()
    assert run_restore(fresh, str(path), force=False, out=out, err=err) == 0, err.getvalue()
    restored = signed_up(fresh)
    assert before <= restored, sorted(before - restored)[:10]
    assert restored <= everyone
    with fresh.session() as s:  # seats and waiting list as the source had them at that moment
        confirmed = s.exec(select(Enrolment).where(Enrolment.status == "confirmed")).all()
        assert len(confirmed) == min(50, len(restored))
        assert {e.resident_id for e in s.exec(select(Enrolment))} <= set(s.exec(select(Resident.id)))


def test_restore_refuses_a_database_with_data_unless_forced(db, tmp_path):
    add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=utcnow() + timedelta(days=3))
    path = tmp_path / "linli.backup"
    assert run_backup(db, str(path), out=io.StringIO()) == 0
    with db.session() as s:
        s.add(Resident(display_name="备份之后才来的"))
    err = io.StringIO()
    assert run_restore(db, str(path), force=False, out=io.StringIO(), err=err) == 2
    assert "--force" in err.getvalue() and "未做任何改动" in err.getvalue()
    with db.session() as s:
        assert [r.display_name for r in s.exec(select(Resident))] == ["备份之后才来的"]
    assert run_restore(db, str(path), force=True, out=io.StringIO(), err=io.StringIO()) == 0
    db.dispose()
    with db.session() as s:
        assert s.exec(select(Resident)).all() == []


def test_a_file_that_is_no_backup_is_refused(db, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("这不是备份", encoding="utf-8")
    err = io.StringIO()
    assert run_restore(db, str(junk), force=True, out=io.StringIO(), err=err) == 2
    assert "不是当前数据库能用的备份文件" in err.getvalue()
    assert run_restore(db, str(tmp_path / "missing.backup"), force=True, out=io.StringIO(), err=err) == 2
    assert "找不到文件" in err.getvalue()


def test_without_the_postgresql_tools_the_answer_is_plain_and_exit_2(pg_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    err = io.StringIO()
    assert run_backup(pg_db, str(tmp_path / "x.backup"), err=err) == 2
    assert "找不到 pg_dump" in err.getvalue() and "postgresql-client" in err.getvalue()
    assert not (tmp_path / "x.backup").exists()


def test_linli_backup_and_restore_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LINLI_CONFIG", str(ROOT / "settings.toml"))
    source = tmp_path / "linli.db"
    monkeypatch.setenv("LINLI_DATABASE__URL", f"sqlite:///{source}")
    get_settings.cache_clear()
    db = Database(f"sqlite:///{source}")
    db.create_all()
    add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=utcnow() + timedelta(days=3))
    db.dispose()
    try:
        assert main(["backup", str(tmp_path / "backups" / "today.backup")]) == 0
        assert "已备份到" in capsys.readouterr().out
        assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == ["today.backup"]  # one file
        assert main(["restore", str(tmp_path / "backups" / "today.backup")]) == 2
        assert "--force" in capsys.readouterr().err
        monkeypatch.setenv("LINLI_DATABASE__URL", f"sqlite:///{tmp_path / 'new.db'}")
        get_settings.cache_clear()
        assert main(["restore", str(tmp_path / "backups" / "today.backup")]) == 0
    finally:
        get_settings.cache_clear()
    restored = Database(f"sqlite:///{tmp_path / 'new.db'}")
    with restored.session() as s:
        assert s.exec(text("SELECT title FROM course")).all() == [("零基础毛笔书法",)]
    restored.dispose()
