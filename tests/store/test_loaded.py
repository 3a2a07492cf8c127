"""A course read by its code on the driver's cursor is the ORM's own object: equal to what the ORM
loads, tracked by the session, and the turn's own changes to it kept."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect
from sqlmodel import select

from store.catalog import course_by_code, held_courses
from store.models import Course
from tests.conftest import START
from tests.support.catalog import add_course


def test_a_course_read_by_code_equals_the_orm_load(db):
    add_course(db, "SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1), capacity=12)
    with db.session() as s:
        fast = course_by_code(s, "SF-01")
        state = inspect(fast)
        assert state.persistent and not s.dirty and not s.new
        assert not state.expired_attributes and not state.unloaded
        s.expunge(fast)
        orm = s.exec(select(Course).where(Course.code == "SF-01")).one()
        assert orm is not fast
        assert orm.model_dump() == fast.model_dump()
        assert type(fast.updated_at) is type(orm.updated_at) and fast.active is True


def test_a_change_to_the_course_is_written_and_read_back(db):
    add_course(db, "SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1))
    with db.session() as s:
        course = course_by_code(s, "SF-01")
        course.capacity = 30
        assert course in s.dirty
        s.commit()
        assert course.capacity == 30
    with db.session() as s:
        assert course_by_code(s, "SF-01").capacity == 30


def test_a_course_the_turn_changed_is_given_back_as_the_turn_left_it(db):
    add_course(db, "SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1))
    with db.session() as s:
        first = course_by_code(s, "SF-01")
        first.title = "毛笔书法进阶"
        again = course_by_code(s, "SF-01")
        assert again is first and again.title == "毛笔书法进阶"
        first.active = False
        assert course_by_code(s, "SF-01") is None  # flushed before the read: off the menu now


def test_a_locked_read_is_held_and_current(db):
    add_course(db, "SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1), capacity=12)
    with db.session() as s:
        course = course_by_code(s, "SF-01")
        s.rollback()  # the transaction ends; the session keeps the course
        with db.session() as other:
            changed = course_by_code(other, "SF-01")
            changed.capacity = 20
            other.commit()
        locked = course_by_code(s, "SF-01", lock=True)
        assert locked is course and locked.capacity == 20
        assert (locked.id in held_courses(s)) == (db.engine.dialect.name == "postgresql")


def test_a_missing_or_inactive_code_reads_as_none(db):
    add_course(db, "SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1))
    with db.session() as s:
        assert course_by_code(s, "NONE-1") is None
        course_by_code(s, "SF-01").active = False
        s.commit()
    with db.session() as s:
        assert course_by_code(s, "SF-01") is None
        assert course_by_code(s, "SF-01", lock=True) is None
