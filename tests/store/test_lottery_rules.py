"""The draw's optional priority rules: residents of the venue's community first, first-timers
before returning students; within a rule the seed decides, and the same seed gives the same draw."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from store.enrolments import take_seat
from store.lottery import apply_for, run_lottery
from store.models import Course, Enrolment, Resident
from tests.conftest import START
from tests.store.test_enrolments import make_residents
from tests.support.catalog import add_course

AFTER = START + timedelta(days=3)


def lottery_course(db, code: str, capacity: int = 2) -> Course:
    course = add_course(db, code, f"课程{code}", capacity=capacity, first_start=START + timedelta(days=5))
    with db.session() as s:
        row = s.get(Course, course.id)
        row.signup_mode, row.apply_until = "lottery", START + timedelta(days=2)
        s.add(row)
    return course


def apply_all(db, course, residents):
    for resident_id in residents:
        with db.session() as s:
            assert apply_for(s, resident_id, course.id, START).status == "applied"


def seated(db, course) -> set[int]:
    with db.session() as s:
        return {e.resident_id for e in s.exec(select(Enrolment).where(Enrolment.course_id == course.id,
                                                                       Enrolment.status == "confirmed"))}


def test_own_community_first_seats_the_venues_residents(sqlite_db):
    course = lottery_course(sqlite_db, "A1")                 # the venue is in 幸福社区
    people = make_residents(sqlite_db, 6)
    with sqlite_db.session() as s:
        for resident_id in people[4:]:
            s.get(Resident, resident_id).community = "幸福社区"
    apply_all(sqlite_db, course, people)
    with sqlite_db.session() as s:
        run_lottery(s, "A1", "seed", AFTER, {"own_community_first": True, "first_timers_first": False})
    assert seated(sqlite_db, course) == set(people[4:])


def test_first_timers_come_before_returning_students(sqlite_db):
    earlier = add_course(sqlite_db, "OLD", "旧课", capacity=10, first_start=START + timedelta(days=1))
    course = lottery_course(sqlite_db, "A2")
    people = make_residents(sqlite_db, 6)
    for resident_id in people[:4]:                           # four have held a seat before
        with sqlite_db.session() as s:
            take_seat(s, resident_id, earlier.id, START - timedelta(days=1))
    apply_all(sqlite_db, course, people)
    with sqlite_db.session() as s:
        run_lottery(s, "A2", "seed", AFTER, {"own_community_first": False, "first_timers_first": True})
    assert seated(sqlite_db, course) == set(people[4:])
