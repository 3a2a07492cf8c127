"""The schema check's own reading of revisions agrees with Alembic's, without loading Alembic."""
from __future__ import annotations

import shutil

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from store import migrate, schema_version
from store.db import Database
from tests.support.migration_scripts import write_script

def alembic_scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))


def alembic_current(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_shipped_revisions_and_head_are_alembics():
    scripts = alembic_scripts()
    shipped = schema_version.shipped_revisions()
    assert set(shipped) == {s.revision for s in scripts.walk_revisions()}
    for revision, parents in shipped.items():
        assert parents == scripts.get_revision(revision)._normalized_down_revisions
    assert schema_version.head_revision() == scripts.get_current_head()


def test_known_revisions_are_the_shipped_ones():
    head = schema_version.head_revision()
    assert schema_version.known_revision(head)
    assert schema_version.known_revision("0001")
    assert not schema_version.known_revision("9999")
    assert not schema_version.known_revision("")


def test_annotated_assignments_and_a_merge_read_as_alembic_reads_them(tmp_path, monkeypatch):
    scripts = tmp_path / "migrations"
    shutil.copytree(schema_version.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = schema_version.head_revision()
    versions = scripts / "versions"
    for name, down in [("a", head), ("b", head), ("c", ("9a", "9b"))]:
        write_script(versions, f"9{name}_later", f"9{name}", down, message=f"later {name}")
    monkeypatch.setattr(schema_version, "MIGRATIONS", scripts)
    assert schema_version.shipped_revisions()["9c"] == ("9a", "9b")
    assert schema_version.head_revision() == alembic_scripts().get_current_head() == "9c"
    (versions / "9c_later.py").unlink()
    with pytest.raises(schema_version.RevisionError, match="2 heads"):
        schema_version.head_revision()


def test_current_revision_is_alembics(empty_db):
    assert schema_version.current_revision(empty_db) is None is alembic_current(empty_db)
    migrate.upgrade(empty_db, "0001")
    assert schema_version.current_revision(empty_db) == alembic_current(empty_db) == "0001"
    migrate.upgrade(empty_db)
    assert schema_version.current_revision(empty_db) == alembic_current(empty_db) == schema_version.head_revision()
    migrate.downgrade(empty_db, "base")
    assert schema_version.current_revision(empty_db) is None is alembic_current(empty_db)
