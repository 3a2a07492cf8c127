"""The catalogue's optional columns, each group read the same way: companions_max (0–6) and
seat_offer (auto | offer); signup_mode (first_come | lottery) and apply_until."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlmodel import select

from store.catalog_import import CatalogImportError, import_catalog
from store.models import Course
from tests.conftest import START
from tests.store.test_catalog_import import HEADER, ROWS, write_csv


@dataclass(frozen=True)
class Columns:
    """One group of optional columns: what the cells of the three rows make, or refuse."""

    names: tuple[str, str]
    good: tuple[tuple[str, str], ...]        # cells of the rows, in order
    read: dict[str, tuple]                   # course code → the two fields after the import
    without: tuple                           # the fields when the file has no such columns
    bad: tuple[tuple[str, str], ...]
    problems: set[tuple[int, str]]           # (row, column) named among the problems
    said: str                                # part of the problems' text


SEATS = Columns(
    ("companions_max", "seat_offer"),
    good=(("2", "offer"), ("", ""), ("", "自动")),
    read={"WH-SF-01": (2, "offer"), "TY-TJ-01": (0, "auto")},
    without=(0, "auto"),
    bad=(("7", "maybe"), ("2", "offer"), ("-1", "auto")),
    problems={(2, "companions_max"), (2, "seat_offer"), (4, "companions_max")},
    said="可带同伴应为 0 到 6 的整数")
LOTTERY = Columns(
    ("signup_mode", "apply_until"),
    good=(("lottery", "2026-11-25 20:00"), ("", ""), ("先到先得", "")),
    read={"WH-SF-01": ("lottery", datetime(2026, 11, 25, 12, 0)),  # Shanghai → UTC
          "TY-TJ-01": ("first_come", None)},
    without=("first_come", None),
    bad=(("draw", "soon"), ("", ""), ("摇号", "")),
    problems={(2, "signup_mode"), (2, "apply_until"), (4, "apply_until")},
    said="摇号报名的课程要写报名截止时间")
GROUPS = [pytest.param(SEATS, id="seats"), pytest.param(LOTTERY, id="lottery")]


def write(tmp_path, columns: Columns | None = None, cells=()) -> str:
    if columns is None:
        return write_csv(tmp_path / "c.csv", ROWS)
    rows = [row + list(extra) for row, extra in zip(ROWS, cells)]
    return write_csv(tmp_path / "c.csv", rows, header=HEADER + list(columns.names))


def fields(db, code: str, columns: Columns) -> tuple:
    with db.session() as s:
        course = s.exec(select(Course).where(Course.code == code)).one()
        return tuple(getattr(course, name) for name in columns.names)


@pytest.mark.parametrize("columns", GROUPS)
def test_the_columns_set_the_courses_fields(columns, sqlite_db, tmp_path):
    import_catalog(sqlite_db, write(tmp_path, columns, columns.good), now=START)
    assert {code: fields(sqlite_db, code, columns) for code in columns.read} == columns.read


@pytest.mark.parametrize("columns", GROUPS)
def test_a_file_without_the_columns_keeps_todays_behaviour(columns, sqlite_db, tmp_path):
    import_catalog(sqlite_db, write(tmp_path), now=START)
    assert fields(sqlite_db, "WH-SF-01", columns) == columns.without


@pytest.mark.parametrize("columns", GROUPS)
def test_bad_values_are_named_and_nothing_is_imported(columns, sqlite_db, tmp_path):
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(sqlite_db, write(tmp_path, columns, columns.bad), now=START)
    assert columns.problems <= {(p.row, p.column) for p in caught.value.problems}
    assert columns.said in caught.value.format_problems()
    with sqlite_db.session() as s:
        assert s.exec(select(Course)).all() == []
