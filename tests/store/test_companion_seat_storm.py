"""Many residents with companions race for seats and cancel at once: every person is one seat,
capacity is never exceeded, and the waiting list keeps its order (SQLite and PostgreSQL)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from bot.clock import utcnow
from store.enrolments import cancel_enrolment, take_seat
from store.models import Course, Enrolment
from store.models.enrolment import CONFIRMED, WAITING
from tests.store.test_enrolments import make_residents
from tests.support.catalog import add_course

CAPACITY = 20


def companion_course(db):
    course = add_course(db, "SF-01", "零基础毛笔书法", capacity=CAPACITY, first_start=utcnow() + timedelta(days=2))
    with db.session() as s:
        row = s.get(Course, course.id)
        row.companions_max = 3
        s.add(row)
    return course


def rows(db, course_id: int) -> list[Enrolment]:
    with db.session() as s:
        return list(s.exec(select(Enrolment).where(Enrolment.course_id == course_id).order_by(Enrolment.queue_no)))


def seats_taken(enrolments: list[Enrolment]) -> int:
    return sum(e.party for e in enrolments if e.status == CONFIRMED)


def assert_queue_kept(enrolments: list[Enrolment]) -> None:
    """Nobody holds a seat while someone who came earlier still waits."""
    waiting = [e.queue_no for e in enrolments if e.status == WAITING]
    seated = [e.queue_no for e in enrolments if e.status == CONFIRMED]
    assert not waiting or not seated or max(seated) < min(waiting)


def test_parties_racing_for_seats_never_overfill_and_cancelling_refills_in_order(db):
    course = companion_course(db)
    residents = make_residents(db, 80)

    def sign_up(n: int):
        with db.session() as s:
            return take_seat(s, residents[n], course.id, party=1 + n % 4)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(sign_up, range(80)))
    assert {r.status for r in results} == {CONFIRMED, WAITING}
    first = rows(db, course.id)
    assert len(first) == 80 and len({e.resident_id for e in first}) == 80
    assert CAPACITY - 3 <= seats_taken(first) <= CAPACITY       # full up to a party that did not fit
    assert_queue_kept(first)

    seated = [(e.resident_id, e.id) for e in first if e.status == CONFIRMED]

    def cancel(place):
        with db.session() as s:
            return cancel_enrolment(s, *place)

    with ThreadPoolExecutor(max_workers=16) as pool:
        cancelled = list(pool.map(cancel, seated))
    assert all(r.status == "cancelled" for r in cancelled)
    promoted = [e.id for r in cancelled for e in r.promotions]
    assert len(promoted) == len(set(promoted))                   # nobody promoted twice
    after = rows(db, course.id)
    assert seats_taken(after) <= CAPACITY
    assert {e.id for e in after if e.status == CONFIRMED} == set(promoted)
    assert_queue_kept(after)
    head = next(e for e in after if e.status == WAITING)
    assert head.party > CAPACITY - seats_taken(after)           # no seat left empty that the head fits
