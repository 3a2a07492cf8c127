"""Seats are taken atomically: exactly capacity confirmed, the rest wait in arrival order."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from bot.clock import utcnow
from store.enrolments import cancel_enrolment, take_seat, waiting_position
from store.models import Enrolment, Resident
from store.models.enrolment import CONFIRMED, WAITING
from tests.support.catalog import add_course


def make_residents(db, n: int) -> list[int]:
    with db.session() as s:
        people = [Resident(display_name=f"居民{i}") for i in range(n)]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def sign_up(db, resident_id: int, course_id: int):
    with db.session() as s:
        return take_seat(s, resident_id, course_id)


def live(db, course_id: int) -> list[Enrolment]:
    with db.session() as s:
        return list(s.exec(select(Enrolment).where(Enrolment.course_id == course_id,
                                                   Enrolment.status != "cancelled")
                           .order_by(Enrolment.queue_no)))


def new_course(db, capacity: int):
    return add_course(db, "SF-01", "零基础毛笔书法", capacity=capacity,
                      first_start=utcnow() + timedelta(days=2))


def test_first_seats_confirm_then_the_queue_starts(db):
    course = new_course(db, 2)
    a, b, c, d = make_residents(db, 4)
    assert sign_up(db, a, course.id).status == CONFIRMED
    assert sign_up(db, b, course.id).status == CONFIRMED
    third = sign_up(db, c, course.id)
    fourth = sign_up(db, d, course.id)
    assert (third.status, third.position) == (WAITING, 1)
    assert (fourth.status, fourth.position) == (WAITING, 2)


def test_a_second_sign_up_says_already(db):
    course = new_course(db, 1)
    a, b = make_residents(db, 2)
    sign_up(db, a, course.id)
    sign_up(db, b, course.id)
    assert sign_up(db, a, course.id).status == "already_confirmed"
    again = sign_up(db, b, course.id)
    assert (again.status, again.position) == ("already_waiting", 1)


def test_200_residents_race_for_20_seats(db):
    course = new_course(db, 20)
    residents = make_residents(db, 200)
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda r: sign_up(db, r, course.id), residents))
    assert sum(r.status == CONFIRMED for r in results) == 20
    assert sum(r.status == WAITING for r in results) == 180
    rows = live(db, course.id)
    assert len({r.resident_id for r in rows}) == 200 == len(rows)
    # Arrival order: the first 20 to get the lock hold the seats, the rest queue behind them.
    assert [r.status for r in rows] == [CONFIRMED] * 20 + [WAITING] * 180
    with db.session() as s:
        assert [waiting_position(s, r) for r in rows[20:]] == list(range(1, 181))


def test_one_resident_pressing_ten_times_at_once_holds_one_place(db):
    course = new_course(db, 5)
    (resident,) = make_residents(db, 1)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: sign_up(db, resident, course.id), range(10)))
    assert sum(r.status == CONFIRMED for r in results) == 1
    assert len(live(db, course.id)) == 1


def test_cancelling_promotes_the_first_waiting(db):
    course = new_course(db, 1)
    a, b, c = make_residents(db, 3)
    seat = sign_up(db, a, course.id)
    sign_up(db, b, course.id)
    sign_up(db, c, course.id)
    with db.session() as s:
        result = cancel_enrolment(s, a, seat.enrolment_id)
    assert result.status == "cancelled" and result.promoted.resident_id == b
    rows = live(db, course.id)
    assert [(r.resident_id, r.status) for r in rows] == [(b, CONFIRMED), (c, WAITING)]


def test_twenty_cancellations_at_once_promote_twenty_in_order(db):
    course = new_course(db, 20)
    residents = make_residents(db, 40)
    seats = [sign_up(db, r, course.id) for r in residents]

    def cancel(i):
        with db.session() as s:
            return cancel_enrolment(s, residents[i], seats[i].enrolment_id)
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(cancel, range(20)))
    assert sorted(r.promoted.resident_id for r in results) == residents[20:]
    rows = live(db, course.id)
    assert [r.status for r in rows] == [CONFIRMED] * 20


def test_nobody_cancels_someone_elses_place(db):
    course = new_course(db, 2)
    a, b = make_residents(db, 2)
    seat = sign_up(db, a, course.id)
    with db.session() as s:
        assert cancel_enrolment(s, b, seat.enrolment_id).status == "not_found"
    assert [r.resident_id for r in live(db, course.id)] == [a]


def test_cancelling_twice_is_harmless(db):
    course = new_course(db, 1)
    (a,) = make_residents(db, 1)
    seat = sign_up(db, a, course.id)
    with db.session() as s:
        cancel_enrolment(s, a, seat.enrolment_id)
    with db.session() as s:
        assert cancel_enrolment(s, a, seat.enrolment_id).status == "already_cancelled"


def test_an_ended_course_takes_no_sign_ups(db):
    course = add_course(db, "OLD-1", "旧课程", first_start=utcnow() - timedelta(days=30), sessions=1)
    (a,) = make_residents(db, 1)
    assert sign_up(db, a, course.id).status == "ended"


def test_a_newcomer_queues_behind_every_place_ever_given_cancelled_ones_too(db):
    course = new_course(db, capacity=1)
    first, second, third, fourth = make_residents(db, 4)
    sign_up(db, first, course.id)
    waiting = sign_up(db, second, course.id)
    last = sign_up(db, third, course.id)
    with db.session() as s:
        cancel_enrolment(s, third, last.enrolment_id)  # the highest queue number is now a cancelled one
    newcomer = sign_up(db, fourth, course.id)
    assert newcomer.status == WAITING and newcomer.position == 2
    with db.session() as s:
        numbers = {e.resident_id: e.queue_no for e in s.exec(select(Enrolment))}
    assert numbers[fourth] > numbers[third] > numbers[second] > numbers[first]
    assert sign_up(db, second, course.id).status == "already_waiting"
    assert waiting.position == 1
