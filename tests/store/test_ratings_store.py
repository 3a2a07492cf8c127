"""Ratings: one per resident per session, only from those who held a seat, only while open."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.cli.ratings import print_ratings
from store.catalog import sessions_of
from store.enrolments import take_seat
from store.leaves import take_leave
from store.models import ClassSession, Rating, Resident
from store.ratings import add_comment, ratings_summary, record_rating
from tests.conftest import START
from tests.support.catalog import add_course

FIRST = START + timedelta(days=1, hours=1)
AFTER = FIRST + timedelta(hours=2)       # the first session is over
CLOSES = FIRST + timedelta(days=3, hours=3)


@pytest.fixture
def course(db):
    return add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2, capacity=2,
                      teacher="林秀兰老师")


def residents(db, n: int) -> list[int]:
    with db.session() as s:
        people = [Resident(display_name=f"居民{i}") for i in range(n)]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def enrol(db, course, *people: int) -> None:
    for rid in people:
        with db.session() as s:
            take_seat(s, rid, course.id, START)


def first_session(db, course) -> ClassSession:
    with db.session() as s:
        return sessions_of(s, course.id)[0]


def rate(db, sid: int, rid: int, grade: str, now=AFTER):
    with db.session() as s:
        return record_rating(s, sid, rid, grade, now, CLOSES)


def test_one_rating_per_resident_per_session(db, course):
    (a,) = residents(db, 1)
    enrol(db, course, a)
    sid = first_session(db, course).id
    assert rate(db, sid, a, "优").status == "recorded"
    again = rate(db, sid, a, "差")
    assert (again.status, again.grade) == ("already", "优")
    with db.session() as s:
        rows = s.exec(select(Rating)).all()
    assert [(r.grade, r.teacher, r.course_id) for r in rows] == [("优", "林秀兰老师", course.id)]


def test_racing_taps_leave_one_rating(db, course):
    (a,) = residents(db, 1)
    enrol(db, course, a)
    sid = first_session(db, course).id
    grades = ["优", "良", "中", "差"] * 4
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda g: rate(db, sid, a, g), grades))
    assert sum(r.status == "recorded" for r in results) == 1
    assert sum(r.status == "already" for r in results) == 15
    winner = next(r.grade for r in results if r.status == "recorded")
    with db.session() as s:
        assert [r.grade for r in s.exec(select(Rating))] == [winner]


def test_rating_after_the_poll_closes_is_refused(db, course):
    (a,) = residents(db, 1)
    enrol(db, course, a)
    sid = first_session(db, course).id
    assert rate(db, sid, a, "优", now=CLOSES + timedelta(minutes=1)).status == "closed"
    assert rate(db, sid, a, "优", now=FIRST + timedelta(minutes=10)).status == "not_ended"
    assert rate(db, sid, a, "优", now=CLOSES).status == "recorded"


def test_only_enrolled_residents_rate(db, course):
    a, b, waiting, stranger, away = residents(db, 5)
    enrol(db, course, a, b, waiting)          # capacity 2: the third one waits
    sid = first_session(db, course).id
    assert rate(db, sid, stranger, "差").status == "not_enrolled"
    assert rate(db, sid, waiting, "差").status == "not_enrolled"
    with db.session() as s:
        assert take_leave(s, sid, b, START).status == "recorded"
    assert rate(db, sid, b, "差").status == "not_enrolled"
    assert rate(db, sid, a, "好").status == "bad_grade"
    assert rate(db, 999999, a, "优").status == "not_found"
    assert rate(db, sid, a, "良").status == "recorded"
    del away


def test_comment_is_added_once(db, course):
    a, b = residents(db, 2)
    enrol(db, course, a)
    sid = first_session(db, course).id
    rate(db, sid, a, "良")
    with db.session() as s:
        assert add_comment(s, sid, b, "不错") == "not_found"
        assert add_comment(s, sid, a, "   ") == "empty"
        assert add_comment(s, sid, a, "老师很耐心") == "saved"
        assert add_comment(s, sid, a, "再说一句") == "already"


def test_leave_is_taken_once_by_those_enrolled_before_the_start(db, course):
    a, b, c = residents(db, 3)
    enrol(db, course, a, b)
    with db.session() as s:
        first, _ = sessions_of(s, course.id)
        assert take_leave(s, first.id, a, START).status == "recorded"
        assert take_leave(s, first.id, a, START).status == "already"
        assert take_leave(s, first.id, c, START).status == "not_enrolled"
        assert take_leave(s, first.id, b, FIRST).status == "started"


def test_racing_leave_taps_record_one_leave(db, course):
    (a,) = residents(db, 1)
    enrol(db, course, a)
    sid = first_session(db, course).id

    def leave(_):
        with db.session() as s:
            return take_leave(s, sid, a, START).status
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(leave, range(8)))
    assert sorted(statuses) == ["already"] * 7 + ["recorded"]


def test_summary_and_printout_by_course_and_teacher(db, course):
    other = add_course(db, "TJ-01", "杨式太极拳", category="太极", section="体育",
                       first_start=FIRST, teacher="赵德胜老师")
    a, b, c = residents(db, 3)
    enrol(db, course, a, b)
    enrol(db, other, c)
    sid = first_session(db, course).id
    rate(db, sid, a, "优")
    rate(db, sid, b, "中")
    rate(db, first_session(db, other).id, c, "差")
    with db.session() as s:
        add_comment(s, sid, a, "老师很耐心")
    summary = ratings_summary(db, course_code="SF-01")
    assert summary["counts"] == {"优": 1, "良": 0, "中": 1, "差": 0}
    assert summary["total"] == 2 and summary["good_share"] == 0.5
    assert [c["comment"] for c in summary["comments"]] == ["老师很耐心"]
    assert ratings_summary(db, teacher="赵德胜老师")["counts"]["差"] == 1
    assert ratings_summary(db)["total"] == 3
    assert ratings_summary(db, course_code="NOPE")["good_share"] is None
    out = io.StringIO()
    print_ratings(db, course_code="SF-01", out=out)
    text = out.getvalue()
    for line in ("课程 SF-01", "评价总数：2", "优：1", "良：0", "中：1", "差：0", "优良率：50.0%",
                 "零基础毛笔书法 2026-12-02 林秀兰老师：老师很耐心"):
        assert line in text
