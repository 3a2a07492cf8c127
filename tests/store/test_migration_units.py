"""Migrating a database of 0015 puts everything under one 总馆, a 服务点 per community in use."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from store import migrate
from store.db import Database
from tests.conftest import START
from tests.support.databases import PostgresSchema, postgres_base_url


@pytest.fixture(params=["sqlite", "postgres"])
def old_db(request, tmp_path):
    """A database at 0015, on SQLite and in a private PostgreSQL schema."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'old.db'}")
        migrate.upgrade(db, "0015_lottery")
        yield db
        db.dispose()
        return
    schema = PostgresSchema(postgres_base_url())
    db = Database(schema.url, pool_size=2)
    migrate.upgrade(db, "0015_lottery")
    yield db
    db.dispose()
    schema.drop()


def _fill(conn) -> None:
    now, yes, no = START, True, False
    conn.execute(text("INSERT INTO resident (id, display_name, reminders_on, community, created_at) VALUES "
                      "(1, '王阿姨', :yes, '幸福社区', :now), (2, '李叔', :yes, '', :now)"), locals())
    conn.execute(text("INSERT INTO venue (id, code, name, address, community, kind, opening_hours, phone) VALUES "
                      "(1, 'V1', '幸福中心', '', '幸福社区', 'community_centre', '{}', ''), "
                      "(2, 'V2', '区文化馆', '', '', 'culture_centre', '{}', ''), "
                      "(3, 'V3', '杏林中心', '', '杏林社区', 'community_centre', '{}', '')"))
    conn.execute(text("INSERT INTO category (id, section, name, sort_order) VALUES (1, '文化', '书法', 1)"))
    for number, venue in ((1, 1), (2, 3), (3, None)):
        conn.execute(text(
            "INSERT INTO course (id, code, title, section, category_id, teacher, venue_id, capacity, description, "
            "tags, reminders_on, companions_max, seat_offer, signup_mode, active, updated_at) VALUES "
            "(:id, :code, '课', '文化', 1, '', :venue, 10, '', '', :yes, 0, 'auto', 'first_come', :yes, :now)"),
            {"id": number, "code": f"C{number}", "venue": venue, "yes": yes, "now": now})
    conn.execute(text("INSERT INTO role_grant (resident_id, role, community, granted_by, created_at) VALUES "
                      "(1, 'grid_staff', '南湖社区', 'cli', :now), (2, 'organizer', '', 'cli', :now)"), {"now": now})
    conn.execute(text("INSERT INTO service_team (id, name, kind, community, active) VALUES "
                      "(1, '全区队', 'volunteer', '', :yes), (2, '幸福队', 'volunteer', '幸福社区', :yes)"),
                 {"yes": yes})
    del no


def test_existing_data_ends_under_one_root(old_db):
    with old_db.engine.begin() as conn:
        _fill(conn)
    migrate.upgrade(old_db)
    assert migrate.differences(old_db) == []
    with old_db.engine.connect() as conn:
        units = {name: (code, level, parent) for code, name, level, parent in conn.execute(
            text("SELECT code, name, level, parent_id FROM unit"))}
        root_id = conn.execute(text("SELECT id FROM unit WHERE code = 'ROOT'")).scalar_one()
        ids = dict(conn.execute(text("SELECT name, id FROM unit")).all())
        venue_units = dict(conn.execute(text("SELECT code, unit_id FROM venue")).all())
        course_units = dict(conn.execute(text("SELECT code, unit_id FROM course")).all())
        grants = dict(conn.execute(text("SELECT community, unit_id FROM role_grant")).all())
        teams = dict(conn.execute(text("SELECT name, unit_id FROM service_team")).all())
        residents = dict(conn.execute(text("SELECT id, unit_id FROM resident")).all())
    assert units["总馆"][:2] == ("ROOT", 1)
    assert {name for name, (_, level, parent) in units.items() if level == 3 and parent == root_id} == \
        {"幸福社区", "杏林社区", "南湖社区"}
    assert venue_units == {"V1": ids["幸福社区"], "V2": root_id, "V3": ids["杏林社区"]}
    assert course_units == {"C1": ids["幸福社区"], "C2": ids["杏林社区"], "C3": root_id}
    assert grants == {"南湖社区": ids["南湖社区"], "": None}  # unscoped stays unscoped: everything
    assert teams == {"全区队": root_id, "幸福队": ids["幸福社区"]}
    assert residents == {1: ids["幸福社区"], 2: None}


def test_downgrade_to_0015_keeps_the_community_strings(old_db):
    with old_db.engine.begin() as conn:
        _fill(conn)
    migrate.upgrade(old_db)
    migrate.downgrade(old_db, "0015_lottery")
    with old_db.engine.connect() as conn:
        assert dict(conn.execute(text("SELECT code, community FROM venue")).all())["V1"] == "幸福社区"


def test_a_new_database_gets_no_units(old_db):
    migrate.upgrade(old_db)
    with old_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM unit")).scalar_one() == 0
