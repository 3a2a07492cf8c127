"""Reminders and polls become outbox rows when they fall due, for everyone holding a seat then; a
place taken after one fell due writes it itself, and a cancelled place drops what was written."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from bot.dialogs.pushes.plan import reminder_due, reminder_time
from bot.dialogs.pushes.planner import plan_due_pushes
from store.catalog import sessions_of
from store.models import Course, OutboxMessage
from store.models.outbox import PENDING, SENT
from store.people import find_account
from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.pushes import plan_until

# START is 08:00 on Tuesday 1 December in Shanghai; the class is 09:00–10:30 on Wednesday.
FIRST = START + timedelta(days=1, hours=1)


@pytest.fixture
def bot(db, settings, clock):
    plan_due_pushes(db, settings, clock.now())  # the service's tick has planned up to now
    return Dialogs(db, settings, clock)


def press(bot: Dialogs, user: str, payload: str) -> str:
    return bot.handle(Incoming("console", user, payload=payload))[0].text


def resident_of(bot: Dialogs, user: str) -> int:
    with bot.db.session() as s:
        return find_account(s, "console", user).resident_id


def rows_of(bot: Dialogs, resident_id: int, status: str = PENDING) -> dict[str, OutboxMessage]:
    with bot.db.session() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.resident_id == resident_id,
                                                  OutboxMessage.status == status))
        return {r.idem_key: r for r in rows}


def session_ids(db, course_id: int) -> list[int]:
    with db.session() as s:
        return [c.id for c in sessions_of(s, course_id)]


def test_a_sign_up_writes_nothing_ahead_and_each_push_is_planned_when_due(bot, db, settings):
    course = add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2)
    press(bot, "a", "suy:SF-01")
    rid = resident_of(bot, "a")
    assert rows_of(bot, rid) == {}
    s1, s2 = session_ids(db, course.id)
    prefix = f"course:{course.id}:resident:{rid}"
    assert plan_until(db, settings, FIRST - timedelta(hours=2)) == 1  # the day before, the first reminder
    assert list(rows_of(bot, rid)) == [f"reminder:{prefix}:session:{s1}:1440m"]
    plan_until(db, settings, FIRST + timedelta(weeks=2))
    rows = rows_of(bot, rid)
    expected = {}
    for sid, start in ((s1, FIRST), (s2, FIRST + timedelta(weeks=1))):
        expected[f"reminder:{prefix}:session:{sid}:1440m"] = start - timedelta(hours=24)
        expected[f"reminder:{prefix}:session:{sid}:60m"] = start - timedelta(hours=1)
        expected[f"poll:{prefix}:session:{sid}"] = start + timedelta(minutes=90 + 30)
    assert {k: r.due_at for k, r in rows.items()} == expected
    assert {r.kind for r in rows.values()} == {"reminder", "poll"}
    assert not any(r.urgent for r in rows.values())
    reminder = rows[f"reminder:{prefix}:session:{s1}:60m"]
    assert json.loads(reminder.payload) == {"render": "reminder", "session_id": s1, "minutes": 60}
    assert json.loads(rows[f"poll:{prefix}:session:{s1}"].payload) == {"render": "poll", "session_id": s1}


def test_past_reminders_are_skipped_and_a_waiting_place_gets_none(bot, db, settings, clock):
    add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=1, capacity=1)
    clock.set(FIRST - timedelta(hours=5))
    plan_until(db, settings, clock.now())  # 24 h before has been planned, for nobody
    press(bot, "a", "suy:SF-01")
    press(bot, "b", "suy:SF-01")
    assert rows_of(bot, resident_of(bot, "a")) == {}
    plan_until(db, settings, FIRST + timedelta(days=1), since=clock.now())
    kinds = sorted((r.kind, json.loads(r.payload).get("minutes"))
                   for r in rows_of(bot, resident_of(bot, "a")).values())
    assert kinds == [("poll", None), ("reminder", 60)]  # 24 h before is already past
    assert rows_of(bot, resident_of(bot, "b")) == {}


def test_course_with_reminders_off_gets_only_polls(bot, db, settings):
    course = add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2)
    with db.session() as s:
        row = s.get(Course, course.id)
        row.reminders_on = False
        s.add(row)
    press(bot, "a", "suy:SF-01")
    plan_until(db, settings, FIRST + timedelta(weeks=2))
    assert {r.kind for r in rows_of(bot, resident_of(bot, "a")).values()} == {"poll"}


def test_cancel_drops_pending_reminders_and_polls_but_keeps_sent_ones(bot, db, settings, clock):
    course = add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=3)
    other = add_course(db, "TJ-01", "太极", category="太极", section="体育", first_start=FIRST)
    press(bot, "a", "suy:SF-01")
    press(bot, "a", "suy:TJ-01")
    rid = resident_of(bot, "a")
    planned_to = FIRST - timedelta(minutes=30)
    plan_until(db, settings, planned_to)  # both reminders of each first session
    with db.session() as s:
        first = s.exec(select(OutboxMessage).where(
            OutboxMessage.idem_key.startswith(f"reminder:course:{course.id}:"))
            .order_by(OutboxMessage.due_at)).first()
        first.status = SENT
        s.add(first)
    enrolment_id = int(press_choices(bot, "a", "crs:SF-01")[0].split(":")[1])
    assert "已取消" in press(bot, "a", f"cxy:{enrolment_id}")
    plan_until(db, settings, FIRST + timedelta(weeks=3), since=planned_to)  # nothing more for SF-01
    left = rows_of(bot, rid)
    assert left and all(f"course:{other.id}:" in k for k in left)
    assert list(rows_of(bot, rid, SENT)) == [first.idem_key]


def press_choices(bot: Dialogs, user: str, payload: str) -> list[str]:
    reply = bot.handle(Incoming("console", user, payload=payload))[0]
    return [c.payload for c in reply.choices]


def test_promotion_schedules_for_the_promoted_resident(bot, db, settings):
    course = add_course(db, "SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2, capacity=1)
    press(bot, "a", "suy:SF-01")
    press(bot, "b", "suy:SF-01")
    a, b = resident_of(bot, "a"), resident_of(bot, "b")
    assert rows_of(bot, b) == {}
    enrolment_id = int(press_choices(bot, "a", "crs:SF-01")[0].split(":")[1])
    press(bot, "a", f"cxy:{enrolment_id}")
    plan_until(db, settings, FIRST + timedelta(weeks=2))
    assert rows_of(bot, a) == {}
    rows = rows_of(bot, b)
    assert sum(r.kind == "reminder" for r in rows.values()) == 4
    assert sum(r.kind == "poll" for r in rows.values()) == 2
    assert sum(r.kind == "promotion" for r in rows.values()) == 1
    assert all(f"course:{course.id}:resident:{b}:" in k for k, r in rows.items() if r.kind != "promotion")


def test_early_morning_reminder_goes_out_the_evening_before(bot, db, settings):
    # 00:30 UTC is 08:30 in Shanghai: the 1 h reminder would be due 07:30, inside quiet hours.
    start = START + timedelta(days=2, minutes=30)
    course = add_course(db, "TJ-01", "晨练太极", category="太极", section="体育",
                        first_start=start, sessions=1)
    press(bot, "a", "suy:TJ-01")
    plan_until(db, settings, start)
    rows = rows_of(bot, resident_of(bot, "a"))
    (sid,) = session_ids(db, course.id)
    key = f"reminder:course:{course.id}:resident:{resident_of(bot, 'a')}:session:{sid}"
    # 21:00 the evening before, half an hour ahead of quiet hours.
    assert rows[f"{key}:60m"].due_at == datetime(2026, 12, 2, 13, 0)
    assert rows[f"{key}:1440m"].due_at == start - timedelta(hours=24)


def test_signing_up_after_the_evening_keeps_the_morning_reminder(bot, db, settings, clock):
    start = START + timedelta(days=2, minutes=30)
    add_course(db, "TJ-01", "晨练太极", category="太极", section="体育", first_start=start, sessions=1)
    clock.set(datetime(2026, 12, 2, 14, 0))  # 22:00 the evening before
    plan_until(db, settings, clock.now())  # the evening's reminder was planned at 21:00, for nobody
    press(bot, "a", "suy:TJ-01")  # so the place writes its own, at the plain time
    dues = [r.due_at for r in rows_of(bot, resident_of(bot, "a")).values() if r.kind == "reminder"]
    assert dues == [start - timedelta(hours=1)]


@pytest.mark.parametrize("local_start, minutes, expected_local", [
    ("2026-12-03 08:30", 60, "2026-12-02 21:00"),    # morning of class → evening before
    ("2026-12-03 23:00", 60, "2026-12-03 21:00"),    # due 22:00 would be held past the start
    ("2026-12-03 02:30", 60, "2026-12-02 21:00"),    # due 01:30, in quiet hours begun the day before
    ("2026-12-03 07:00", 1440, "2026-12-02 07:00"),  # held to 08:00 the day before: fine
    ("2026-12-03 10:00", 60, "2026-12-03 09:00"),    # not in quiet hours
    ("2026-12-03 09:00", 60, "2026-12-03 08:00"),    # quiet hours end at 08:00 sharp
])
def test_reminder_due_rules(settings, local_start, minutes, expected_local):
    def utc(text: str) -> datetime:
        return datetime.fromisoformat(text) - timedelta(hours=8)
    assert reminder_due(settings, utc(local_start), minutes) == utc(expected_local)


def test_reminder_due_follows_the_settings_it_is_asked_with(settings):
    start = datetime(2026, 12, 3, 0, 30)  # 08:30 local
    assert reminder_due(settings, start, 60) == datetime(2026, 12, 2, 13, 0)  # 21:00 the evening before
    no_quiet = settings.model_copy(update={
        "scheduler": settings.scheduler.model_copy(update={"quiet_start": "00:00", "quiet_end": "00:00"})})
    assert reminder_due(no_quiet, start, 60) == start - timedelta(hours=1)
    in_london = settings.model_copy(update={"general": settings.general.model_copy(update={"timezone": "Europe/London"})})
    assert reminder_due(in_london, start, 60) == datetime(2026, 12, 2, 21, 0)  # a 00:30 class there
    assert reminder_due(settings, start, 60) == datetime(2026, 12, 2, 13, 0)


def test_a_reminder_written_late_falls_back_to_the_plain_time_then_to_none(settings):
    start = datetime(2026, 12, 3, 0, 30)  # 08:30 local: the 60-minute reminder goes at 21:00 the evening before
    evening, plain = datetime(2026, 12, 2, 13, 0), start - timedelta(hours=1)
    assert reminder_time(settings, start, 60, evening - timedelta(minutes=1)) == evening
    assert reminder_time(settings, start, 60, evening) == plain  # the evening has come: 07:30 still helps
    assert reminder_time(settings, start, 60, plain) is None
