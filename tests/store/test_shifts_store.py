"""Shift places and credits under races, on SQLite and PostgreSQL: never more people than the head
count, and a check-out credits its hours once however often and however fast it is repeated."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from store.models import PointEntry, Resident, Shift, ShiftSignup
from store.models.shifts import SIGNED
from store.shifts import check_in, check_out, post_shift, served_minutes, sign_up, withdraw
from tests.conftest import START
from tests.store.test_attendance_store import together

SHIFT_START = START + timedelta(days=4, hours=1)     # Saturday 09:00 in Shanghai
SHIFT_END = SHIFT_START + timedelta(hours=3)
BEFORE, AFTER = timedelta(minutes=30), timedelta(hours=2)


@dataclass
class Rules:
    points_per_hour: int = 2
    points_per_taught_session: int = 2


def setup_shift(db, capacity: int, people: int) -> tuple[Shift, list[int]]:
    with db.session() as s:
        residents = [Resident(display_name=f"志愿者{i}") for i in range(people)]
        s.add_all(residents)
        s.flush()
        shift = post_shift(s, "图书馆周六值班", "区图书馆", SHIFT_START, SHIFT_END, capacity, None, START)
        s.expunge(shift)
        return shift, [r.id for r in residents]


def in_session(db, fn, *args):
    def go():
        with db.session() as s:
            return fn(s, *args).status
    return go


def test_concurrent_sign_ups_never_exceed_the_head_count(db):
    shift, people = setup_shift(db, capacity=3, people=8)
    answers = together(*(in_session(db, sign_up, shift.id, rid, START) for rid in people))
    assert answers.count("signed_up") == 3 and answers.count("full") == 5
    with db.session() as s:
        assert s.get(Shift, shift.id).taken == 3
        assert s.exec(select(func.count()).select_from(ShiftSignup)
                      .where(ShiftSignup.status == SIGNED)).one() == 3


def test_a_withdrawn_place_goes_to_the_next_volunteer_and_only_before_the_start(db):
    shift, (a, b) = setup_shift(db, capacity=1, people=2)
    with db.session() as s:
        assert sign_up(s, shift.id, a, START).status == "signed_up"
        assert sign_up(s, shift.id, a, START).status == "already"
        assert sign_up(s, shift.id, b, START).status == "full"
        assert withdraw(s, shift.id, a, START).status == "withdrawn"
        assert withdraw(s, shift.id, a, START).status == "not_signed"
        assert sign_up(s, shift.id, b, START).status == "signed_up"
        assert withdraw(s, shift.id, b, SHIFT_START).status == "started"
        assert sign_up(s, shift.id, a, SHIFT_START).status == "started"
        assert s.get(Shift, shift.id).taken == 1


def test_check_in_only_inside_the_window_and_only_when_signed_up(db):
    shift, (a, b) = setup_shift(db, capacity=2, people=2)
    with db.session() as s:
        sign_up(s, shift.id, a, START)
        code = shift.code.lower()
        assert check_in(s, "NOPE99", a, SHIFT_START, BEFORE).status == "unknown"
        assert check_in(s, code, a, SHIFT_START - timedelta(minutes=31), BEFORE).status == "too_early"
        assert check_in(s, code, b, SHIFT_START, BEFORE).status == "not_signed"
        assert check_in(s, code, a, SHIFT_START - timedelta(minutes=20), BEFORE).status == "checked_in"
        assert check_in(s, code, a, SHIFT_START, BEFORE).status == "already"
        assert check_in(s, code, b, SHIFT_END, BEFORE).status == "too_late"


def test_hours_are_actual_capped_at_the_shift_and_rounded_to_half_hours():
    shift = Shift(title="t", place="p", starts_at=SHIFT_START, ends_at=SHIFT_END, capacity=1, code="X")
    assert served_minutes(shift, SHIFT_START - timedelta(minutes=20), SHIFT_END + timedelta(hours=1)) == 180
    assert served_minutes(shift, SHIFT_START + timedelta(minutes=10), SHIFT_START + timedelta(minutes=85)) == 90
    assert served_minutes(shift, SHIFT_START, SHIFT_START + timedelta(minutes=14)) == 0
    assert served_minutes(shift, SHIFT_START, SHIFT_START + timedelta(minutes=105)) == 120


def test_racing_and_repeated_check_outs_credit_once(db):
    shift, people = setup_shift(db, capacity=1, people=1)
    rid = people[0]
    with db.session() as s:
        sign_up(s, shift.id, rid, START)
        check_in(s, shift.code, rid, SHIFT_START, BEFORE)
    out_at = SHIFT_START + timedelta(hours=2, minutes=50)
    answers = together(*(in_session(db, check_out, shift.code, rid, out_at, AFTER, Rules()) for _ in range(4)))
    assert sorted(answers) == ["already"] * 3 + ["checked_out"]
    with db.session() as s:
        assert check_out(s, shift.code, rid, out_at, AFTER, Rules()).status == "already"
        entries = s.exec(select(PointEntry).where(PointEntry.resident_id == rid)).all()
        assert [(e.minutes, e.points, e.source) for e in entries] == [(180, 6, f"shift:{shift.id}")]


def test_check_out_needs_a_check_in_and_ends_after_the_window(db):
    shift, (a, b) = setup_shift(db, capacity=2, people=2)
    with db.session() as s:
        sign_up(s, shift.id, a, START)
        sign_up(s, shift.id, b, START)
        assert check_out(s, shift.code, a, SHIFT_END, AFTER, Rules()).status == "not_in"
        check_in(s, shift.code, b, SHIFT_START, BEFORE)
        assert check_out(s, shift.code, b, SHIFT_END + AFTER + timedelta(minutes=1), AFTER,
                         Rules()).status == "too_late"
        assert s.exec(select(func.count()).select_from(PointEntry)).one() == 0
