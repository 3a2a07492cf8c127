"""The catalogue and venue files' optional `unit` column: a known code sets the unit, an unknown one
rejects the file with its row named; without it a venue's community gives its 服务点."""
from __future__ import annotations

import pytest
from sqlmodel import select

from store.catalog_import import CatalogImportError, import_catalog
from store.models import Course, Venue
from store.units import unit_by_code, unit_for_community
from store.units_import import import_units
from store.venue_import import VenueImportError, import_venues
from tests.store import test_catalog_import as catalog
from tests.store import test_venue_import as venues
from tests.store.test_units_import import write_csv as write_units

UNITS = [["ROOT", "区文化馆", "1", "", "", ""], ["FG-A", "甲街道分馆", "2", "ROOT", "", ""],
         ["SP-XF", "幸福社区", "3", "FG-A", "", ""], ["SP-HB", "湖滨社区", "3", "FG-A", "", ""]]


@pytest.fixture
def district(sqlite_db, tmp_path):
    import_units(sqlite_db, write_units(tmp_path / "units.csv", UNITS))
    return sqlite_db


def test_venues_take_the_named_unit_or_their_communitys_point(district, tmp_path):
    rows = [row + [""] for row in venues.ROWS]
    rows[2][-1] = "FG-A"
    import_venues(district, venues.write_csv(tmp_path / "v.csv", rows, venues.HEADER + ["unit"]))
    with district.session() as s:
        found = {v.code: v.unit_id for v in s.exec(select(Venue))}
        assert found == {"V-XF": unit_for_community(s, "幸福社区").id, "V-JS": unit_by_code(s, "FG-A").id}


def test_an_unknown_unit_rejects_the_venue_file(district, tmp_path):
    rows = [row + ["NOPE"] for row in venues.ROWS]
    with pytest.raises(VenueImportError) as rejected:
        import_venues(district, venues.write_csv(tmp_path / "v.csv", rows, venues.HEADER + ["unit"]))
    assert "第 2 行，unit：没有编号为 NOPE 的单位" in rejected.value.format_problems()
    with district.session() as s:
        assert s.exec(select(Venue)).all() == []


def test_courses_take_the_named_unit_else_their_venues(district, tmp_path):
    import_venues(district, venues.write_csv(tmp_path / "v.csv", venues.ROWS))
    rows = [row + [unit] for row, unit in zip(catalog.ROWS, ["", "", "ROOT"])]
    import_catalog(district, catalog.write_csv(tmp_path / "c.csv", rows, header=catalog.HEADER + ["unit"]))
    with district.session() as s:
        found = {c.code: c.unit_id for c in s.exec(select(Course))}
        assert found == {"WH-SF-01": unit_for_community(s, "幸福社区").id, "TY-TJ-01": unit_by_code(s, "ROOT").id}


def test_an_unknown_unit_rejects_the_catalogue(district, tmp_path):
    rows = [row + [unit] for row, unit in zip(catalog.ROWS, ["", "", "XX"])]
    with pytest.raises(CatalogImportError) as rejected:
        import_catalog(district, catalog.write_csv(tmp_path / "c.csv", rows, header=catalog.HEADER + ["unit"]))
    assert "第 4 行，unit：没有编号为 XX 的单位" in rejected.value.format_problems()
    with district.session() as s:
        assert s.exec(select(Course)).all() == []
