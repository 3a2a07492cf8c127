"""What a sign-up costs the database: the statements of one turn, counted (never timed)."""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from bot.app import build_dialogs
from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from store.models import Course, Enrolment, OutboxMessage
from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.pushes import plan_until

CONFIRMED_AT_MOST = 11  # a confirmed sign-up, its reply, the chat's state (reminders come when due)


@contextmanager
def statements(db):
    """The statements issued inside the block, as (text, parameters)."""
    seen: list[tuple[str, str]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, repr(parameters)))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def press(dialogs: Dialogs, user: str, payload: str, key: str):
    return dialogs.take_turn(Incoming("telegram", user, payload=payload, update_key=key))


@pytest.fixture
def course_dialogs(db, settings, clock):
    add_course(db, "SF-01", "零基础毛笔书法", capacity=1, first_start=START + timedelta(days=2))
    dialogs = Dialogs(db, settings, clock)
    for user in ("first", "second", "third"):
        dialogs.take_turn(Incoming("telegram", user, text="/start"))
    return dialogs


def test_a_confirmed_sign_up_takes_at_most_eleven_statements_none_twice(course_dialogs, settings):
    with statements(course_dialogs.db) as seen:
        turn = press(course_dialogs, "first", "suy:SF-01", "u1")
    assert "报名成功" in turn.replies[0].text
    assert len(seen) <= CONFIRMED_AT_MOST, "\n".join(s for s, _ in seen)
    assert max(Counter(seen).values()) == 1
    outbox_inserts = [s for s, _ in seen if s.startswith("INSERT INTO outbox")]
    assert len(outbox_inserts) == 1  # the reply: reminders and polls are written as they fall due
    with course_dialogs.db.session() as s:
        assert s.exec(select(OutboxMessage.kind).where(OutboxMessage.kind != "reply")).scalars().all() == []
    plan_until(course_dialogs.db, settings, START + timedelta(weeks=5))
    with course_dialogs.db.session() as s:
        pushes = s.exec(select(OutboxMessage.kind).where(OutboxMessage.kind != "reply")).scalars().all()
        replies = s.exec(select(OutboxMessage.idem_key).where(OutboxMessage.kind == "reply")).scalars().all()
    assert Counter(pushes) == {"reminder": 8, "poll": 4}
    assert [key for key in replies if ":u1:" in key] == ["telegram:reply:u1:0"]


def test_the_course_is_read_once_and_on_postgresql_under_its_lock(course_dialogs):
    with statements(course_dialogs.db) as seen:
        press(course_dialogs, "first", "suy:SF-01", "u1")
    reads = [s for s, _ in seen if s.startswith("SELECT course.")]
    assert len(reads) == 1
    assert reads[0].rstrip().endswith("FOR UPDATE") == course_dialogs.db.is_postgres


def test_a_waiting_list_sign_up_costs_fewer_and_keeps_the_order(course_dialogs):
    press(course_dialogs, "first", "suy:SF-01", "u1")
    with statements(course_dialogs.db) as seen:
        second = press(course_dialogs, "second", "suy:SF-01", "u2")
    third = press(course_dialogs, "third", "suy:SF-01", "u3")
    assert "第 1 位" in second.replies[0].text and "第 2 位" in third.replies[0].text
    assert len(seen) <= CONFIRMED_AT_MOST - 2
    assert max(Counter(seen).values()) == 1
    with course_dialogs.db.session() as s:
        rows = s.exec(select(Enrolment.status, Enrolment.queue_no).order_by(Enrolment.queue_no)).all()
    assert [tuple(r) for r in rows] == [("confirmed", 1), ("waiting", 2), ("waiting", 3)]


def test_the_same_update_twice_is_one_statement_and_no_answer(course_dialogs):
    press(course_dialogs, "first", "suy:SF-01", "u1")
    with statements(course_dialogs.db) as seen:
        again = press(course_dialogs, "first", "suy:SF-01", "u1")
    assert again.replies == []
    assert [s.split()[0] for s, _ in seen if not s.startswith("BEGIN")] == ["INSERT"]


def test_the_app_as_built_signs_up_within_the_same_count(tmp_path, settings):
    settings = settings.model_copy(update={"database": settings.database.model_copy(
        update={"url": f"sqlite:///{tmp_path / 'linli.db'}"})})
    dialogs = build_dialogs(settings, with_demo=False)
    try:
        add_course(dialogs.db, "SF-01", "零基础毛笔书法", capacity=5, first_start=START + timedelta(days=2))
        dialogs.take_turn(Incoming("telegram", "first", text="/start"))
        with statements(dialogs.db) as seen:
            turn = press(dialogs, "first", "suy:SF-01", "u1")
        assert "报名成功" in turn.replies[0].text
        assert len(seen) <= CONFIRMED_AT_MOST
    finally:
        dialogs.db.dispose()


def test_the_sign_up_question_reads_the_seats_the_line_and_the_sessions_once(course_dialogs):
    with statements(course_dialogs.db) as seen:
        turn = press(course_dialogs, "first", "su:SF-01", "u1")
    assert "确认报名" in str([c.label for c in turn.replies[0].choices])
    assert len([s for s, _ in seen if "FROM class_session" in s]) == 1
    assert len([s for s, _ in seen if "FROM enrolment" in s]) == 1  # seats, the line and mine together
    assert max(Counter(seen).values()) == 1


def test_the_sign_up_question_sends_a_newcomer_behind_those_already_waiting(course_dialogs, db):
    press(course_dialogs, "first", "suy:SF-01", "u1")
    press(course_dialogs, "second", "suy:SF-01", "u2")  # the one seat is taken: second waits
    with db.session() as s:  # a seat more, not yet given to the one waiting
        course = s.scalars(select(Course).where(Course.code == "SF-01")).one()
        course.capacity = 2
        s.add(course)
    turn = press(course_dialogs, "third", "su:SF-01", "u3")
    assert [c.label for c in turn.replies[0].choices][0] == "确认候补"


def test_a_course_page_reads_its_seats_place_and_the_readers_own_place_in_one_statement(course_dialogs):
    press(course_dialogs, "first", "suy:SF-01", "u1")
    with statements(course_dialogs.db) as seen:
        turn = press(course_dialogs, "first", "crs:SF-01", "u2")
    assert "取消报名" in str([c.label for c in turn.replies[0].choices])
    assert len([s for s, _ in seen if "FROM enrolment" in s]) == 1
    assert not [s for s, _ in seen if s.startswith("SELECT venue")]
