"""A venue file is held to the minimum weekly hours the settings give ([venues] min_weekly_hours)."""
from __future__ import annotations

import csv

import pytest

from store.venue_import import VenueImportError, import_venues

HEADER = ["venue_code", "venue_name", "kind", "opening_hours", "room_code", "room_name", "capacity"]
ROW = ["V-ZH", "东湖街道文化站", "station", "mon-fri 09:00-17:30", "R1", "多功能厅", "30"]  # 42.5 h


def write(path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, ROW])
    return path


def test_the_standard_minimum_lets_the_station_in(sqlite_db, tmp_path):
    assert import_venues(sqlite_db, write(tmp_path / "v.csv")).venues_created == 1


def test_a_stricter_minimum_from_the_settings_rejects_it(sqlite_db, tmp_path):
    with pytest.raises(VenueImportError) as caught:
        import_venues(sqlite_db, write(tmp_path / "v.csv"), {"station": 48})
    assert "每周只开放 42.5 小时，这类场馆每周至少 48 小时" in caught.value.format_problems()
