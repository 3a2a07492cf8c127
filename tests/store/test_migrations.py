"""Migrations build the models' schema from nothing, and commands refuse a database that is behind."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from bot.cli import main
from bot.schema import SchemaNotReady, check_schema, prepare_schema, prepare_schema_apart
from bot.settings import get_settings
from store import migrate, schema_version
from store.db import Database
from store.dialog_state import ChatState, load_state, save_state
from tests.conftest import ROOT, START
from tests.support.databases import PostgresSchema, postgres_base_url
from tests.support.migration_scripts import write_script

@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    """The URL of a SQLite file the `linli` commands use, named by the environment."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LINLI_CONFIG", str(ROOT / "settings.toml"))
    monkeypatch.setenv("LINLI_DATABASE__URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def newer_code(tmp_path, monkeypatch):
    """The shipped migrations plus a later one, as a newer release would ship them."""
    scripts = tmp_path / "migrations"
    shutil.copytree(schema_version.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    old_head = migrate.head_revision()
    write_script(scripts / "versions", "0002_later", "0002", old_head)
    monkeypatch.setattr(schema_version, "MIGRATIONS", scripts)
    assert migrate.head_revision() == "0002"
    return old_head


def create_tables(db: Database, *names: str) -> None:
    """Some of the models' tables (a resident needs the unit table its unit_id points at)."""
    SQLModel.metadata.create_all(db.engine, tables=[SQLModel.metadata.tables[name] for name in names])


def table_names(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_upgrade_from_empty_creates_every_table(empty_db):
    assert table_names(empty_db) == set()
    migrate.upgrade(empty_db)
    assert table_names(empty_db) == set(SQLModel.metadata.tables) | {"alembic_version"}


def test_migrations_and_models_agree(empty_db):
    """Fails when a model changed without a migration: run `python -m store.revisions new "..."`."""
    migrate.upgrade(empty_db)
    assert migrate.differences(empty_db) == []


def test_is_behind_until_upgraded(empty_db):
    assert migrate.current_revision(empty_db) is None
    migrate.upgrade(empty_db)
    assert migrate.current_revision(empty_db) == migrate.head_revision()
    migrate.upgrade(empty_db)  # nothing left to do
    assert migrate.current_revision(empty_db) == migrate.head_revision()


def test_downgrade_to_base_removes_every_table(empty_db):
    migrate.upgrade(empty_db)
    migrate.downgrade(empty_db, "base")
    assert table_names(empty_db) == {"alembic_version"}
    assert migrate.current_revision(empty_db) is None


def test_postgres_tables_and_version_land_in_the_private_schema():
    schema = PostgresSchema(postgres_base_url())
    db = Database(schema.url, pool_size=2)
    try:
        migrate.upgrade(db)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT table_schema, table_name FROM information_schema.tables "
                                     "WHERE table_name IN ('alembic_version', 'resident') "
                                     "AND table_schema IN (:mine, 'public')"), {"mine": schema.name}).all()
        assert sorted(rows) == [(schema.name, "alembic_version"), (schema.name, "resident")]
    finally:
        db.dispose()
        schema.drop()


def test_partial_unique_indexes_are_partial(empty_db):
    migrate.upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        indexes = {ix["name"]: ix for ix in inspect(conn).get_indexes("enrolment")}
    live = indexes["uq_enrolment_live"]
    assert live["unique"]
    where = live["dialect_options"].get(f"{empty_db.engine.dialect.name}_where")
    assert "cancelled" in str(where)


def test_prepare_builds_an_empty_database_by_migrating(empty_db):
    prepare_schema(empty_db)
    assert migrate.current_revision(empty_db) == migrate.head_revision()
    assert table_names(empty_db) >= set(SQLModel.metadata.tables)


def test_database_made_by_create_all_is_stamped(empty_db):
    empty_db.create_all()
    prepare_schema(empty_db)
    assert migrate.current_revision(empty_db) == migrate.head_revision()


def test_unversioned_database_that_differs_is_refused(empty_db):
    create_tables(empty_db, "unit", "resident")
    with pytest.raises(SchemaNotReady, match="没有版本记录"):
        prepare_schema(empty_db)
    assert migrate.current_revision(empty_db) is None


def test_a_refusal_from_the_child_process_reaches_the_worker(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    create_tables(db, "unit", "resident")
    with pytest.raises(SchemaNotReady, match="没有版本记录"):
        prepare_schema_apart(db)  # what `linli serve` does first: Alembic's work in `linli db prepare`
    assert migrate.current_revision(db) is None
    db.dispose()


def test_linli_db_prepare_builds_an_empty_database(cli_database, capsys):
    assert main(["db", "prepare"]) == 0
    assert "数据库结构可用" in capsys.readouterr().out
    db = Database(cli_database)
    assert migrate.current_revision(db) == migrate.head_revision()
    db.dispose()


def test_serve_refuses_a_database_that_is_behind(empty_db, newer_code):
    migrate.upgrade(empty_db, newer_code)
    assert migrate.current_revision(empty_db) != migrate.head_revision()
    expected = f"数据库结构不是最新版本（当前 {newer_code}，最新 0002）。请先运行：linli db upgrade"
    with pytest.raises(SchemaNotReady) as refused:
        check_schema(empty_db)
    assert str(refused.value) == expected
    with pytest.raises(SchemaNotReady):
        prepare_schema(empty_db)  # what every command does when it opens the database
    assert migrate.current_revision(empty_db) == newer_code


def test_revision_from_newer_code_is_refused(empty_db):
    migrate.upgrade(empty_db)
    with empty_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaNotReady, match="9999"):
        check_schema(empty_db)


def test_linli_serve_exits_2_when_behind(cli_database, newer_code, monkeypatch, capsys):
    db = Database(cli_database)
    migrate.upgrade(db, newer_code)
    db.dispose()

    async def never(*args, **kwargs):
        raise AssertionError("the web server must not start on a database that is behind")
    import bot.handlers.web.server
    monkeypatch.setattr(bot.handlers.web.server, "start_web", never)
    assert main(["serve"]) == 2
    assert "请先运行：linli db upgrade" in capsys.readouterr().err


def test_linli_db_upgrade_brings_a_behind_database_up(cli_database, newer_code, capsys):
    db = Database(cli_database)
    migrate.upgrade(db, newer_code)
    assert main(["db", "current"]) == 1
    assert main(["db", "upgrade"]) == 0
    assert f"从 {newer_code} 升级到 0002" in capsys.readouterr().out
    assert migrate.current_revision(db) == migrate.head_revision()
    db.dispose()


def test_linli_db_upgrade_on_a_new_sqlite_file(cli_database, capsys):
    assert main(["db", "upgrade"]) == 0
    head = migrate.head_revision()
    assert f"升级到 {head}" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert f"已是最新版本（{head}）" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    db = Database(cli_database)
    assert migrate.current_revision(db) == head
    assert table_names(db) == set(SQLModel.metadata.tables) | {"alembic_version"}
    db.dispose()


def test_linli_db_upgrade_refuses_an_unversioned_database_that_differs(cli_database, capsys):
    db = Database(cli_database)
    create_tables(db, "unit", "resident")
    db.dispose()
    assert main(["db", "upgrade"]) == 2
    assert "没有版本记录" in capsys.readouterr().err


def test_fresh_install_is_built_by_the_migrations(settings, tmp_path):
    from bot.app import open_database
    url = f"sqlite:///{tmp_path / 'new' / 'linli.db'}"
    (tmp_path / "new").mkdir()
    conf = settings.model_copy(update={"database": settings.database.model_copy(update={"url": url})})
    db = open_database(conf)
    assert migrate.current_revision(db) == migrate.head_revision()
    assert table_names(db) == set(SQLModel.metadata.tables) | {"alembic_version"}
    db.dispose()


def test_dialog_state_of_a_0001_database_moves_to_the_private_chat(empty_db):
    migrate.upgrade(empty_db, "0001")
    now = START
    with empty_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO resident (id, display_name, reminders_on, created_at) "
                          "VALUES (1, '王阿姨', :yes, :now)"), {"yes": True, "now": now})
        conn.execute(text("INSERT INTO channel_account (id, channel, external_id, resident_id, unreachable, "
                          "created_at, last_seen_at) VALUES (7, 'telegram', '8001', 1, :no, :now, :now)"),
                     {"no": False, "now": now})
        conn.execute(text("INSERT INTO dialog_state (account_id, expect, data, updated_at) "
                          "VALUES (7, 'search', :data, :now)"), {"data": '{"choices": ["menu"]}', "now": now})
    migrate.upgrade(empty_db)
    assert migrate.differences(empty_db) == []
    with empty_db.session() as s:
        assert load_state(s, 7) == ChatState("search", {"choices": ["menu"]})
        assert load_state(s, 7, "-1001") == ChatState()
        save_state(s, 7, "-1001", ChatState("", {"choices": ["help"], "notice": {}}, "notice", START))
    with empty_db.session() as s:
        assert load_state(s, 7).data == {"choices": ["menu"]}
        assert load_state(s, 7, "-1001") == ChatState("", {"choices": ["help"], "notice": {}}, "notice", START)
    migrate.downgrade(empty_db, "0001")
    with empty_db.engine.connect() as conn:
        rows = conn.execute(text("SELECT account_id, expect FROM dialog_state")).all()
    assert rows == [(7, "search")]
