"""Applications and draws racing on one lottery course (SQLite and PostgreSQL): one place per
applicant, one draw, whole parties seated, capacity never exceeded, late applications refused."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from bot.clock import utcnow
from store.lottery import LotteryError, apply_for, run_lottery
from store.models import AuditEntry, Course, Enrolment
from store.models.enrolment import CONFIRMED, WAITING
from tests.store.test_enrolments import make_residents
from tests.support.catalog import add_course

CAPACITY = 12
RULES = {"first_timers_first": False, "own_community_first": False}


def lottery_course(db, deadline):
    course = add_course(db, "SF-01", "零基础毛笔书法", capacity=CAPACITY, first_start=deadline + timedelta(days=3))
    with db.session() as s:
        row = s.get(Course, course.id)
        row.signup_mode, row.apply_until, row.companions_max = "lottery", deadline, 2
        s.add(row)
    return course


def test_racing_applications_and_draws_seat_each_party_once_within_capacity(db):
    now = utcnow()
    deadline = now + timedelta(hours=1)
    course = lottery_course(db, deadline)
    residents = make_residents(db, 40)

    def apply(n: int, when=now):
        with db.session() as s:
            return apply_for(s, residents[n % 40], course.id, when, party=1 + n % 3)

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(apply, range(60)))            # 20 residents try twice
    assert sorted(r.status for r in results).count("applied") == 40

    after = deadline + timedelta(minutes=1)

    def draw(_):
        try:
            with db.session() as s:
                return run_lottery(s, "SF-01", "storm", after, RULES)
        except LotteryError as error:
            return error.code

    def late(n: int):
        return apply(n, after).status

    with ThreadPoolExecutor(max_workers=12) as pool:
        draws = list(pool.map(draw, range(6)))
        lates = list(pool.map(late, range(40, 46)))
    assert sorted(d for d in draws if isinstance(d, str)) == ["already_drawn"] * 5
    assert set(lates) <= {"already_confirmed", "already_waiting"}  # everyone already has their place
    with db.session() as s:
        rows = list(s.exec(select(Enrolment).where(Enrolment.course_id == course.id)))
        audits = list(s.exec(select(AuditEntry).where(AuditEntry.action == "lottery.draw")))
    assert len(audits) == 1
    assert len(rows) == 40 and len({e.resident_id for e in rows}) == 40
    seated = [e for e in rows if e.status == CONFIRMED]
    assert {e.status for e in rows} == {CONFIRMED, WAITING}
    assert CAPACITY - 2 <= sum(e.party for e in seated) <= CAPACITY
    assert sorted(e.queue_no for e in rows) == list(range(1, 41))  # one place each, in draw order


def test_a_new_resident_after_the_deadline_is_refused(db):
    now = utcnow()
    course = lottery_course(db, now + timedelta(hours=1))
    [ana] = make_residents(db, 1)
    with db.session() as s:
        assert apply_for(s, ana, course.id, now + timedelta(hours=2)).status == "window_closed"
