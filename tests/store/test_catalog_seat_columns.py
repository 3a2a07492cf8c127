"""The catalogue's optional seat columns: companions_max (0–6) and seat_offer (auto | offer)."""
from __future__ import annotations

import pytest
from sqlmodel import select

from store.catalog_import import CatalogImportError, import_catalog
from store.models import Course
from tests.conftest import START
from tests.store.test_catalog_import import HEADER, ROWS, write_csv

SEAT_HEADER = HEADER + ["companions_max", "seat_offer"]


def with_seats(*extra: tuple[str, str]) -> list[list[str]]:
    return [row + list(cells) for row, cells in zip(ROWS, extra)]


def course(db, code: str) -> Course:
    with db.session() as s:
        return s.exec(select(Course).where(Course.code == code)).one()


def test_the_columns_set_companions_and_seat_offers(sqlite_db, tmp_path):
    rows = with_seats(("2", "offer"), ("", ""), ("", "自动"))
    import_catalog(sqlite_db, write_csv(tmp_path / "c.csv", rows, header=SEAT_HEADER), now=START)
    sf, tj = course(sqlite_db, "WH-SF-01"), course(sqlite_db, "TY-TJ-01")
    assert (sf.companions_max, sf.seat_offer) == (2, "offer")
    assert (tj.companions_max, tj.seat_offer) == (0, "auto")


def test_a_file_without_the_columns_keeps_todays_behaviour(sqlite_db, tmp_path):
    import_catalog(sqlite_db, write_csv(tmp_path / "c.csv", ROWS), now=START)
    sf = course(sqlite_db, "WH-SF-01")
    assert (sf.companions_max, sf.seat_offer) == (0, "auto")


def test_bad_values_are_named_and_nothing_is_imported(sqlite_db, tmp_path):
    rows = with_seats(("7", "maybe"), ("2", "offer"), ("-1", "auto"))
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(sqlite_db, write_csv(tmp_path / "c.csv", rows, header=SEAT_HEADER), now=START)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert {(2, "companions_max"), (2, "seat_offer"), (4, "companions_max")} <= found
    assert "可带同伴应为 0 到 6 的整数" in caught.value.format_problems()
    with sqlite_db.session() as s:
        assert s.exec(select(Course)).all() == []
