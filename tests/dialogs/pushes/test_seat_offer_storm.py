"""Cancellations, answers and several housekeeping workers at once on a course that offers its
freed seats: no seat offered to two people, capacity never exceeded, offers follow the waiting
list (SQLite and PostgreSQL)."""
from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from bot.clock import utcnow
from bot.dialogs.pushes.seat_offers import run_seat_offers, seats_freed
from store.enrolments import cancel_enrolment, take_seat
from store.models import Course, Enrolment, SeatOffer
from store.models.enrolment import CONFIRMED, WAITING
from store.models.seat_offer import OPEN
from store.seat_offers import answer_offer
from tests.store.test_enrolments import make_residents
from tests.support.catalog import add_course

CAPACITY = 10


def offer_course(db):
    course = add_course(db, "SF-01", "零基础毛笔书法", capacity=CAPACITY, first_start=utcnow() + timedelta(days=2))
    with db.session() as s:
        row = s.get(Course, course.id)
        row.seat_offer = "offer"
        s.add(row)
    return course


def snapshot(db, course_id: int) -> tuple[list[Enrolment], list[SeatOffer]]:
    with db.session() as s:
        places = list(s.exec(select(Enrolment).where(Enrolment.course_id == course_id).order_by(Enrolment.queue_no)))
        offers = list(s.exec(select(SeatOffer).where(SeatOffer.course_id == course_id)))
    return places, offers


def check(db, course_id: int) -> tuple[list[Enrolment], list[SeatOffer]]:
    """The invariants: seats held plus seats on offer fit, each place offered at most once, and
    open offers sit at the front of the waiting list."""
    places, offers = snapshot(db, course_id)
    held = sum(e.party for e in places if e.status == CONFIRMED)
    on_offer = sum(o.seats for o in offers if o.status == OPEN)
    assert held + on_offer <= CAPACITY
    assert max(Counter(o.enrolment_id for o in offers).values(), default=0) == 1
    offered = {o.enrolment_id for o in offers if o.status == OPEN}
    by_id = {e.id: e for e in places}
    assert all(by_id[i].status == WAITING for i in offered)
    unoffered = [e.queue_no for e in places if e.status == WAITING and e.id not in offered]
    assert not offered or not unoffered or max(by_id[i].queue_no for i in offered) < min(unoffered)
    return places, offers


def test_cancellations_answers_and_rounds_at_once_offer_each_seat_once(db, settings):
    course = offer_course(db)
    residents = make_residents(db, 50)
    now = utcnow()
    for resident in residents:
        with db.session() as s:
            take_seat(s, resident, course.id, now)
    places, _ = snapshot(db, course.id)
    seated = [(e.resident_id, e.id) for e in places if e.status == CONFIRMED]
    assert len(seated) == CAPACITY

    def cancel(place):
        with db.session() as s:
            result = cancel_enrolment(s, *place, now)
            seats_freed(s, settings, s.get(Course, course.id), result, now)

    def housekeeping(_):
        run_seat_offers(db, settings, now)

    jobs = [(cancel, place) for place in seated] + [(housekeeping, n) for n in range(8)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda job: job[0](job[1]), jobs))
    places, offers = check(db, course.id)
    assert len(offers) == CAPACITY and all(o.status == OPEN for o in offers)
    assert sorted(by.queue_no for by in places if by.id in {o.enrolment_id for o in offers}) == list(range(11, 21))

    def answer(offer: SeatOffer):
        with db.session() as s:
            return answer_offer(s, offer.resident_id, offer.id, offer.id % 2 == 0, now).status

    def answer_twice(offer):
        return answer(offer), answer(offer)

    jobs = [(answer_twice, offer) for offer in offers] + [(housekeeping, n) for n in range(6)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        answered = [done for done in pool.map(lambda job: job[0](job[1]), jobs) if done is not None]
    assert len(answered) == len(offers)
    assert all(second == "answered" for _, second in answered)
    run_seat_offers(db, settings, now)
    places, offers = check(db, course.id)
    accepted = sum(1 for first, _ in answered if first == "accepted")
    assert sum(e.party for e in places if e.status == CONFIRMED) == accepted
    assert sum(1 for o in offers if o.status == OPEN) == CAPACITY - accepted   # every free seat offered again
