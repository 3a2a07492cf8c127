"""The plan's reach: absent until the first plan, moved forward by each one, and set to the moment of
the upgrade on a database whose places already wrote their reminders."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import inspect

from store import migrate
from store.push_plan import advance_plan, hold_plan, planned_until, sessions_ending, sessions_starting
from tests.conftest import START
from tests.support.catalog import add_course


def test_the_reach_is_absent_until_a_plan_moves_it(db):
    with db.session() as s:
        assert planned_until(s) is None and hold_plan(s) is None
        advance_plan(s, START)
    with db.session() as s:
        advance_plan(s, START + timedelta(minutes=5))
    with db.session() as s:
        assert planned_until(s) == hold_plan(s) == START + timedelta(minutes=5)


def test_an_upgraded_database_is_planned_from_the_upgrade_on(empty_db):
    before = datetime.now(timezone.utc).replace(tzinfo=None)
    migrate.upgrade(empty_db)
    with empty_db.session() as s:
        assert before <= planned_until(s) <= datetime.now(timezone.utc).replace(tzinfo=None)
    with empty_db.engine.connect() as conn:
        indexes = {index["name"] for index in inspect(conn).get_indexes("class_session")}
    assert "ix_class_session_ends_at" in indexes


def test_sessions_are_found_by_start_and_by_end_in_half_open_windows(db):
    course = add_course(db, "SF-01", "零基础毛笔书法", first_start=START, sessions=2, minutes=90)
    week = timedelta(weeks=1)
    with db.session() as s:
        assert [c.starts_at for c in sessions_starting(s, START - week, START)] == [START]
        assert sessions_starting(s, START, START + week - timedelta(minutes=1)) == []
        [ended] = sessions_ending(s, START, START + timedelta(minutes=90))
        assert (ended.course_id, ended.ends_at) == (course.id, START + timedelta(minutes=90))
