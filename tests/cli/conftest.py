"""The commands' database for CLI tests, and the one a `linli serve` process shares with its test."""
from __future__ import annotations

import pytest

from bot.settings import get_settings
from store.db import Database
from tests.support.templates import sqlite_file
from tests.support.workers import migrated_database


@pytest.fixture
def db_file(tmp_path, monkeypatch):
    """The commands' database: a SQLite file named by the environment."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("LINLI_DATABASE__URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    db = Database(sqlite_file(path))
    yield db
    db.dispose()
    get_settings.cache_clear()


@pytest.fixture
def sqlite_served(tmp_path):
    """A migrated SQLite file shared by the test and a `linli serve` process: (url, database)."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    db = migrated_database(url)
    yield url, db
    db.dispose()
