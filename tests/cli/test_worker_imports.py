"""A worker on a database at the newest schema starts without loading what only other commands use."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.support.workers import ROOT, linli_env, migrated_database

# What `linli serve` does before it listens: its modules, then the service on the configured database.
STARTUP = """
import json, sys
import bot.cli, bot.serve
from bot.app import build_service
from bot.settings import get_settings
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
