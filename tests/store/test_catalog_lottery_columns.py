"""The catalogue's optional lottery columns: signup_mode (first_come | lottery) and apply_until."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from store.catalog_import import CatalogImportError, import_catalog
from store.models import Course
from tests.conftest import START
from tests.store.test_catalog_import import HEADER, ROWS, write_csv

LOTTERY_HEADER = HEADER + ["signup_mode", "apply_until"]


def with_lottery(*extra: tuple[str, str]) -> list[list[str]]:
    return [row + list(cells) for row, cells in zip(ROWS, extra)]


def course(db, code: str) -> Course:
    with db.session() as s:
        return s.exec(select(Course).where(Course.code == code)).one()


def test_the_columns_make_a_lottery_course_with_its_deadline(sqlite_db, tmp_path):
    rows = with_lottery(("lottery", "2026-11-25 20:00"), ("", ""), ("先到先得", ""))
    import_catalog(sqlite_db, write_csv(tmp_path / "c.csv", rows, header=LOTTERY_HEADER), now=START)
    sf, tj = course(sqlite_db, "WH-SF-01"), course(sqlite_db, "TY-TJ-01")
    assert (sf.signup_mode, sf.apply_until) == ("lottery", datetime(2026, 11, 25, 12, 0))  # Shanghai → UTC
    assert (tj.signup_mode, tj.apply_until) == ("first_come", None)


def test_a_file_without_the_columns_keeps_first_come(sqlite_db, tmp_path):
    import_catalog(sqlite_db, write_csv(tmp_path / "c.csv", ROWS), now=START)
    assert course(sqlite_db, "WH-SF-01").signup_mode == "first_come"


def test_bad_values_and_a_lottery_without_deadline_are_named(sqlite_db, tmp_path):
    rows = with_lottery(("draw", "soon"), ("", ""), ("摇号", ""))
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(sqlite_db, write_csv(tmp_path / "c.csv", rows, header=LOTTERY_HEADER), now=START)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert {(2, "signup_mode"), (2, "apply_until"), (4, "apply_until")} <= found
    assert "摇号报名的课程要写报名截止时间" in caught.value.format_problems()
    with sqlite_db.session() as s:
        assert s.exec(select(Course)).all() == []
