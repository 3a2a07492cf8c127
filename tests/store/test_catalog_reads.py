"""Reads of a course's sessions and page facts see what the same transaction changed through the ORM."""
from __future__ import annotations

from datetime import datetime, timedelta

from store.catalog import sessions_of
from store.course_facts import course_facts
from store.models import ClassSession, Course, Enrolment
from store.people import get_or_create_account
from tests.support.catalog import add_course

FIRST = datetime(2027, 1, 4, 1, 0)


def test_a_session_added_in_the_same_transaction_is_among_the_sessions_in_time_order(db):
    course = add_course(db, "SF-01", "零基础毛笔书法", capacity=2, first_start=FIRST, sessions=2)
    with db.session() as s:
        s.add(ClassSession(course_id=course.id, starts_at=FIRST - timedelta(days=7),
                           ends_at=FIRST - timedelta(days=7) + timedelta(hours=1)))
        starts = [row.starts_at for row in sessions_of(s, course.id)]
    assert starts == [FIRST - timedelta(days=7), FIRST, FIRST + timedelta(weeks=1)]


def test_a_place_taken_in_the_same_transaction_shows_on_the_course_page(db):
    course = add_course(db, "SF-01", "零基础毛笔书法", capacity=2, first_start=FIRST)
    with db.session() as s:
        account, _ = get_or_create_account(s, "test", "zhang", "张阿姨")
        shown = s.get(Course, course.id)
        s.add(Enrolment(course_id=course.id, resident_id=account.resident_id, status="confirmed", party=1))
        facts = course_facts(s, shown, account.resident_id)
    assert facts.seats_left == 1 and facts.mine is not None and facts.mine.status == "confirmed"
    assert facts.line_waits is False
