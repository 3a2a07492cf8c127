"""Shared fixtures: databases on SQLite and PostgreSQL, settings, a clock, the dialogs."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.clock import ManualClock  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.fakes.wecom_api import FakeWecomApi  # noqa: E402
from tests.fakes.wecom_stack import CORP_ID, SECRET  # noqa: E402
from tests.support.databases import TEST_PHONE_KEY, close_pools, make_database  # noqa: E402

# 2026-12-01 00:00 UTC is 08:00 in Shanghai: a Tuesday morning.
START = datetime(2026, 12, 1, 0, 0)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path):
    """An empty schema, once on SQLite and once on PostgreSQL."""
    database, cleanup = make_database(request.param, tmp_path)
    yield database
    cleanup()


@pytest.fixture
def sqlite_db(tmp_path):
    """An empty SQLite database."""
    database, cleanup = make_database("sqlite", tmp_path)
    yield database
    cleanup()


@pytest.fixture
def pg_db(tmp_path):
    """An empty PostgreSQL schema."""
    database, cleanup = make_database("postgres", tmp_path)
    yield database
    cleanup()


@pytest.fixture
def settings():
    """Settings as shipped, with a test phone key (PostgreSQL has no key file to fall back on)."""
    return load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml"), "LINLI_PRIVACY__PHONE_KEY": TEST_PHONE_KEY})


@pytest.fixture
def clock():
    """A clock that starts at START and moves only when told."""
    return ManualClock(START)


@pytest.fixture
def dialogs(sqlite_db, settings, clock):
    """The dialogs on an empty SQLite database."""
    from bot.dialogs.engine import Dialogs
    return Dialogs(sqlite_db, settings, clock)


@pytest.fixture
async def wecom_fake():
    """The fake WeCom API, serving on a local port, for the test WeCom application."""
    async with FakeWecomApi(CORP_ID, SECRET) as fake:
        yield fake


def pytest_sessionfinish(session, exitstatus):
    """Drop the pooled PostgreSQL schemas and the SQLite templates."""
    close_pools()
