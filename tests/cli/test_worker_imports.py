"""A worker starts without loading what only other commands use: on a database at the newest schema,
and on a first start, whose migration runs in a child process."""
from __future__ import annotations

import json
import subprocess
import sys

from store.db import Database
from store.schema_version import current_revision, head_revision
from tests.support.workers import ROOT, linli_env, migrated_database, serving

# What `linli serve` does before it listens: its modules, then the service on the configured database.
STARTUP = """
import json, sys
import bot.cli, bot.serve
from bot.app import build_service
from bot.settings import get_settings
from bot.serve import prepare_database
prepare_database(get_settings())
build_service(get_settings()).db.dispose()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & {"alembic", "pypinyin"})))
"""


def test_a_worker_starts_without_alembic_or_pypinyin(tmp_path):
    url = f"sqlite:///{tmp_path / 'linli.db'}"
    migrated_database(url).dispose()
    done = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True, cwd=str(ROOT),
                          env=linli_env(url, tmp_path / "files"), timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_a_first_start_migrates_apart_and_still_loads_no_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'linli.db'}"  # nothing there yet
    done = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True, cwd=str(ROOT),
                          env=linli_env(url, tmp_path / "files"), timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
    db = Database(url)
    assert current_revision(db) == head_revision()
    db.dispose()


async def test_linli_serve_starts_on_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'linli.db'}"
    async with serving("first-start", url, tmp_path):
        db = Database(url)
        assert current_revision(db) == head_revision()
        db.dispose()
