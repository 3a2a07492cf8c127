"""The roll and check-ins under races, on SQLite and PostgreSQL: nobody is ever counted twice, a
check-in is never lost to a roll saved at the same moment, and a session gets one roll and one code."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from store.attendance import check_in, ensure_roll, present_at, save_roll
from store.enrolments import take_seat
from store.models import Attendance, ClassSession, Resident, SessionRoll
from tests.conftest import START
from tests.support.catalog import add_course

WINDOW = timedelta(minutes=30)
CLASS_START = START + timedelta(hours=1)


def setup_class(db, seats: int) -> tuple[int, list[int]]:
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=CLASS_START, sessions=1, capacity=seats)
    with db.session() as s:
        people = [Resident(display_name=f"居民{i}") for i in range(seats)]
        s.add_all(people)
        s.flush()
        ids = [p.id for p in people]
        for rid in ids:
            assert take_seat(s, rid, course.id, START - timedelta(days=1)).status == "confirmed"
        session_id = s.exec(select(ClassSession.id).where(ClassSession.course_id == course.id)).one()
    return session_id, ids


def rows_per_resident(db, session_id: int) -> dict[int, int]:
    with db.session() as s:
        return dict(s.exec(select(Attendance.resident_id, func.count()).where(Attendance.session_id == session_id)
                           .group_by(Attendance.resident_id)).all())


def together(*calls):
    """Run the calls at the same moment, each in its own thread and transaction."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_staff_saving_the_same_roll_at_once_count_nobody_twice(db):
    session_id, (a, b, c, d) = setup_class(db, 4)
    now = CLASS_START + timedelta(minutes=10)
    for first, second in (({a, b}, {b, c}), ({a, b, c, d}, {a, b, c, d}), ({d}, {a, d})):
        def save(present):
            def go():
                with db.session() as s:
                    return save_roll(s, session_id, present, by=None, now=now).present
            return go
        together(save(first), save(second))
        with db.session() as s:
            now_present = set(present_at(s, session_id))
        assert now_present in (first, second)            # one roll wins whole; no mixture, no doubles
        assert set(rows_per_resident(db, session_id).values()) <= {1}
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(SessionRoll)).one() == 1


def test_a_check_in_racing_a_roll_is_kept_and_counted_once(db):
    session_id, (a, b, c) = setup_class(db, 3)
    with db.session() as s:
        code = ensure_roll(s, session_id, START).code
    now = CLASS_START - timedelta(minutes=5)

    def roll(present):
        def go():
            with db.session() as s:
                save_roll(s, session_id, present, by=None, now=now)
        return go

    def arrive(resident_id):
        def go():
            with db.session() as s:
                return check_in(s, code, resident_id, now, WINDOW, WINDOW).status
        return go

    together(roll({a}), arrive(b))                    # the roll did not list b, who checked in meanwhile
    with db.session() as s:
        assert set(present_at(s, session_id)) == {a, b}
    together(roll({a, c}), arrive(c))                 # both mark c at once
    with db.session() as s:
        assert set(present_at(s, session_id)) == {a, b, c}
    assert rows_per_resident(db, session_id) == {a: 1, b: 1, c: 1}


def test_many_residents_checking_in_at_once_make_one_roll(db):
    session_id, people = setup_class(db, 8)
    with db.session() as s:
        code = ensure_roll(s, session_id, START).code
    with db.session() as s:
        s.exec(select(SessionRoll)).one().taken_at = None
    now = CLASS_START

    def arrive(resident_id):
        def go():
            with db.session() as s:
                return check_in(s, code, resident_id, now, WINDOW, WINDOW).status
        return go

    outcomes = together(*(arrive(rid) for rid in people + people[:3]))  # three press twice
    assert sorted(outcomes) == ["already"] * 3 + ["checked_in"] * 8
    assert rows_per_resident(db, session_id) == {rid: 1 for rid in people}


def test_two_workers_opening_a_roll_at_once_make_one_code(db):
    session_id, _ = setup_class(db, 1)

    def open_roll():
        with db.session() as s:
            return ensure_roll(s, session_id, START).code

    codes = together(open_roll, open_roll, open_roll)
    assert len(set(codes)) == 1
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(SessionRoll)).one() == 1


def test_a_session_taken_out_of_the_catalogue_takes_its_roll_along(db):
    from store.catalog_sessions import SyncCounts, sync_sessions
    from store.models import Course
    session_id, (a,) = setup_class(db, 1)
    with db.session() as s:
        save_roll(s, session_id, {a}, by=None, now=CLASS_START)
    with db.session() as s:
        course = s.exec(select(Course)).one()
        sync_sessions(s, course, {}, CLASS_START + timedelta(days=1), SyncCounts())
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(Attendance)).one() == 0
        assert s.exec(select(func.count()).select_from(SessionRoll)).one() == 0
        assert s.get(ClassSession, session_id) is None
