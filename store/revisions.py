"""Write migration scripts from the models.

    python -m store.revisions initial        rewrite versions/0001_initial.py (only while it is the sole one)
    python -m store.revisions new "message"  add the next numbered script for what the models changed

Both compare the models with a scratch in-memory SQLite database; read the script before committing it.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from alembic import command

from store.db import Database
from store.migrate import alembic_config, connect, upgrade
from store.schema_version import MIGRATIONS

VERSIONS = MIGRATIONS / "versions"
INITIAL = VERSIONS / "0001_initial.py"


def scripts() -> list[Path]:
    """The migration scripts, oldest first by their number."""
    return sorted(p for p in VERSIONS.glob("*.py") if p.name != "__init__.py")


def next_rev_id() -> str:
    """The number after the highest one in use, four digits wide."""
    numbers = [int(m.group(1)) for p in scripts() if (m := re.match(r"(\d+)_", p.name))]
    return f"{max(numbers, default=0) + 1:04d}"


def autogenerate(message: str, rev_id: str, batch: bool = True) -> Path:
    """Write a script for the differences between the models and a scratch database at head."""
    db = Database("sqlite://")
    try:
        if scripts():
            upgrade(db)
        config = alembic_config(db.url)
        config.attributes["render_as_batch"] = batch
        with connect(db) as conn:
            config.attributes["connection"] = conn
            script = command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
    finally:
        db.dispose()
    return Path(script.path)


def write_initial() -> Path:
    """Rewrite 0001_initial.py so it creates the models' whole schema."""
    others = [p for p in scripts() if p != INITIAL]
    if others:
        raise SystemExit(f"0001 already has successors ({', '.join(p.name for p in others)}); "
                         "add a new script instead")
    old = INITIAL.read_text(encoding="utf-8") if INITIAL.exists() else None
    INITIAL.unlink(missing_ok=True)
    try:
        return autogenerate("initial", "0001", batch=False)
    except BaseException:
        if old is not None:
            INITIAL.write_text(old, encoding="utf-8")
        raise


def main(argv: list[str] | None = None) -> int:
    """Command line of this module."""
    parser = argparse.ArgumentParser(prog="python -m store.revisions", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("initial", help="rewrite 0001_initial.py from the models")
    new = sub.add_parser("new", help="add the next script for what the models changed")
    new.add_argument("message")
    args = parser.parse_args(argv)
    path = write_initial() if args.what == "initial" else autogenerate(args.message, next_rev_id())
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
