"""The push planner: each reminder and poll becomes a row once, when it falls due, for everyone it
is owed to then; a place taken after that writes its own; sign-ups racing the plan lose none."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import select

from bot.app import build_worker
from bot.dialogs.engine import Dialogs
from bot.dialogs.pushes.planner import plan_due_pushes
from bot.messages import Incoming
from store.catalog import sessions_of
from store.leaves import take_leave
from store.models import OutboxMessage
from store.people import find_account
from store.push_plan import planned_until
from tests.conftest import START
from tests.store.test_attendance_store import together
from tests.support.catalog import add_course
from tests.support.clock import ManualClock
from tests.support.people import console_person

FIRST = START + timedelta(days=2, hours=2)  # Thursday 3 December, 10:00–11:30 in Shanghai
DAY_BEFORE, HOUR_BEFORE = FIRST - timedelta(hours=24), FIRST - timedelta(hours=1)


def sign_up(dialogs: Dialogs, user: str, code: str = "SF-01") -> str:
    return dialogs.handle(Incoming("console", user, payload=f"suy:{code}"))[0].text


def rows(db, user: str, kind: str | None = None) -> list[OutboxMessage]:
    with db.session() as s:
        resident = find_account(s, "console", user).resident_id
        query = select(OutboxMessage).where(OutboxMessage.resident_id == resident)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(s.exec(query.order_by(OutboxMessage.due_at)))


def test_each_push_is_written_once_when_it_falls_due_for_everyone_seated(db, settings):
    dialogs = Dialogs(db, settings, ManualClock(START))
    add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=1)
    for user in ("a", "b"):
        console_person(dialogs, user)
        assert "报名成功" in sign_up(dialogs, user)
    assert rows(db, "a", "reminder") == []
    assert plan_due_pushes(db, settings, DAY_BEFORE - timedelta(minutes=1)) == 0
    assert plan_due_pushes(db, settings, DAY_BEFORE) == 2  # the day before, for a and b
    assert plan_due_pushes(db, settings, DAY_BEFORE) == 0  # a second worker at the same moment
    assert plan_due_pushes(db, settings, HOUR_BEFORE + timedelta(seconds=5)) == 2
    assert plan_due_pushes(db, settings, FIRST + timedelta(hours=2, minutes=5)) == 2  # the polls
    for user in ("a", "b"):
        assert [r.due_at for r in rows(db, user, "reminder")] == [DAY_BEFORE, HOUR_BEFORE]
        assert [r.due_at for r in rows(db, user, "poll")] == [FIRST + timedelta(minutes=120)]
    with db.session() as s:
        assert planned_until(s) == FIRST + timedelta(hours=2, minutes=5)


def test_a_place_taken_after_a_reminder_fell_due_writes_the_rest_itself(db, settings):
    clock = ManualClock(START)
    dialogs = Dialogs(db, settings, clock)
    add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2)
    console_person(dialogs, "late")
    clock.set(HOUR_BEFORE - timedelta(minutes=30))
    plan_due_pushes(db, settings, clock.now())  # the day before's reminder went to nobody
    assert "报名成功" in sign_up(dialogs, "late")
    assert rows(db, "late", "reminder") == []  # 24 h before has gone, the hour before is not due
    plan_due_pushes(db, settings, HOUR_BEFORE)
    assert [r.due_at for r in rows(db, "late", "reminder")] == [HOUR_BEFORE]
    plan_due_pushes(db, settings, FIRST + timedelta(weeks=1, hours=-24))  # next week's, as for everyone
    assert len(rows(db, "late", "reminder")) == 2


def test_polls_go_to_those_seated_before_the_class_and_not_on_leave(db, settings):
    clock = ManualClock(START)
    dialogs = Dialogs(db, settings, clock)
    course = add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2)
    for user in ("here", "away", "late"):
        console_person(dialogs, user)
    sign_up(dialogs, "here")
    sign_up(dialogs, "away")
    with db.session() as s:
        first = min(c.id for c in sessions_of(s, course.id))
        take_leave(s, first, find_account(s, "console", "away").resident_id, START)
    plan_due_pushes(db, settings, HOUR_BEFORE)
    clock.set(FIRST + timedelta(minutes=30))  # the class has begun
    sign_up(dialogs, "late")
    plan_due_pushes(db, settings, FIRST + timedelta(hours=3))
    assert [len(rows(db, u, "poll")) for u in ("here", "away", "late")] == [1, 0, 0]
    assert [len(rows(db, u, "reminder")) for u in ("here", "away", "late")] == [2, 0, 0]


def test_the_first_plan_writes_what_is_still_of_use_and_nothing_stale(db, settings):
    dialogs = Dialogs(db, settings, ManualClock(START))
    add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2)
    console_person(dialogs, "a")
    sign_up(dialogs, "a")
    # The first plan ever, long after the first class: its reminders are no use, its poll is closed.
    now = FIRST + timedelta(weeks=1, hours=-2)
    assert plan_due_pushes(db, settings, now) == 1
    [row] = rows(db, "a", "reminder")
    assert row.due_at == now - timedelta(hours=22)  # next week's day-before reminder, late but of use


def test_the_service_tick_plans_before_it_claims(db, settings):
    clock = ManualClock(START)
    dialogs = Dialogs(db, settings, clock)
    add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=1)
    console_person(dialogs, "a")
    sign_up(dialogs, "a")
    clock.set(DAY_BEFORE)
    worker = build_worker(db, settings, {}, clock)
    result = asyncio.run(worker.tick())
    assert result.planned == 1 and result.claimed >= 1
    [row] = rows(db, "a", "reminder")
    assert row.status != "pending" and row.claimed_by == worker.worker_id


def test_sign_ups_racing_the_plan_each_get_the_reminder_once(db, settings):
    clock = ManualClock(START)
    dialogs = Dialogs(db, settings, clock)
    users = [f"r{i}" for i in range(6)]
    for user in users:
        console_person(dialogs, user)
    for round_no in range(3):  # three courses, each raced at its reminder's moment
        first = FIRST + timedelta(days=round_no)
        code = f"SF-0{round_no}"
        add_course(db, code, f"书法{round_no}", first_start=first, sessions=1)
        due = first - timedelta(hours=1)
        plan_due_pushes(db, settings, due - timedelta(seconds=5))
        clock.set(due - timedelta(seconds=1))
        answers = together(lambda: plan_due_pushes(db, settings, due),
                           *(lambda u=u, c=code: sign_up(dialogs, u, c) for u in users))
        assert all("报名成功" in a for a in answers[1:])
        for user in users:
            hour_before = [r for r in rows(db, user, "reminder") if r.due_at == due]
            assert len(hour_before) == 1, (round_no, user)


def test_ticks_every_few_minutes_plan_each_push_at_the_first_tick_after_it_is_due(db, settings):
    dialogs = Dialogs(db, settings, ManualClock(START))
    morning = START + timedelta(days=2, minutes=30)  # 08:30 in Shanghai: the hour before is quiet
    add_course(db, "TJ-01", "晨练太极", category="太极", section="体育", first_start=morning, sessions=1)
    add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=1)
    console_person(dialogs, "a")
    sign_up(dialogs, "a", "TJ-01")
    sign_up(dialogs, "a", "SF-01")
    evening = datetime(2026, 12, 2, 13, 0)  # 21:00 the evening before the morning class
    due = sorted([morning - timedelta(hours=24), evening, morning + timedelta(minutes=120),
                  DAY_BEFORE, HOUR_BEFORE, FIRST + timedelta(minutes=120)])
    tick = START
    while tick < FIRST + timedelta(hours=3):
        plan_due_pushes(db, settings, tick)
        assert sorted(r.due_at for r in rows(db, "a") if r.kind != "reply") == [d for d in due if d <= tick]
        tick += timedelta(minutes=7)


def test_a_course_locked_too_long_leaves_the_plan_to_the_next_tick(pg_db, settings):
    dialogs = Dialogs(pg_db, settings, ManualClock(START))
    course = add_course(pg_db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=1)
    console_person(dialogs, "a")
    sign_up(dialogs, "a")
    plan_due_pushes(pg_db, settings, START)
    with pg_db.engine.connect() as importing:  # a catalogue import holding the course's lock
        importing.execute(text("SELECT id FROM course WHERE id = :id FOR UPDATE"), {"id": course.id})
        assert plan_due_pushes(pg_db, settings, DAY_BEFORE) == 0
        with pg_db.session() as s:
            assert planned_until(s) == START
    assert plan_due_pushes(pg_db, settings, DAY_BEFORE) == 1
