"""Missing two rolls in a row without 请假 brings one friendly nudge per streak, after quiet hours."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.dialogs.pushes.housekeeping import run_housekeeping
from store.attendance import save_roll
from store.leaves import take_leave
from tests.conftest import START
from tests.dialogs.attendance.test_attendance_conversation import (FIRST, first_session, resident_of, seat)
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from store.models import ClassSession
from sqlmodel import select


@pytest.fixture
def course(dialogs):
    found = add_course(dialogs.db, "WH-SF-01", "零基础毛笔书法", first_start=FIRST, sessions=4)
    seat(dialogs, found.id, ["r0", "r1", "r2"])
    return found


def sessions(dialogs, course) -> list[int]:
    with dialogs.db.session() as s:
        return list(s.exec(select(ClassSession.id).where(ClassSession.course_id == course.id)
                           .order_by(ClassSession.starts_at)))


def roll(dialogs, session_id: int, users: list[str], week: int) -> None:
    present = {resident_of(dialogs, u) for u in users}
    with dialogs.db.session() as s:
        save_roll(s, session_id, present, by=None,
                  now=FIRST + timedelta(weeks=week, minutes=10))


def nudges(dialogs, user: str) -> list:
    """The absence nudges delivered to a user (their reminders and polls go out beside them)."""
    return [(kind, push) for kind, push in deliver_due(dialogs, user) if kind == "absence"]


def housekeeping_after(dialogs, settings, week: int, hours: float = 3) -> int:
    dialogs.clock.set(FIRST + timedelta(weeks=week, hours=hours))
    return run_housekeeping(dialogs.db, settings, dialogs.clock.now())["absences_nudged"]


def test_two_absences_in_a_row_bring_one_nudge(dialogs, settings, course):
    s1, s2, s3, _ = sessions(dialogs, course)
    r2 = resident_of(dialogs, "r2")
    with dialogs.db.session() as s:
        assert take_leave(s, s1, r2, START).status == "recorded"   # r2 asked for leave from the first
    roll(dialogs, s1, ["r1"], 0)                                   # r0 and r2 (on leave) missing
    assert housekeeping_after(dialogs, settings, 0) == 0           # one absence is no streak
    roll(dialogs, s2, ["r1"], 1)                                   # r0 missing again, r2 missing once
    assert housekeeping_after(dialogs, settings, 1) == 1
    [(kind, push)] = nudges(dialogs, "r0")
    assert kind == "absence" and "【零基础毛笔书法】最近 2 次课都没见到您" in push.text and "请假" in push.text
    assert [c.label for c in push.choices] == ["我的报名", "主菜单"]
    assert nudges(dialogs, "r1") == [] and nudges(dialogs, "r2") == []
    assert housekeeping_after(dialogs, settings, 1, hours=4) == 0  # the next round: nothing new
    roll(dialogs, s3, ["r1"], 2)                                   # the streak goes on: no second nudge
    assert housekeeping_after(dialogs, settings, 2) == 1           # … but r2 has two in a row now
    assert nudges(dialogs, "r0") == []
    [(kind, push)] = nudges(dialogs, "r2")
    assert "最近 2 次课" in push.text


def test_a_session_without_a_roll_or_a_present_resident_breaks_nothing(dialogs, settings, course):
    s1, s2, _, _ = sessions(dialogs, course)
    roll(dialogs, s1, ["r0", "r1", "r2"], 0)
    roll(dialogs, s2, ["r0", "r1", "r2"], 1)
    assert housekeeping_after(dialogs, settings, 1) == 0
    assert housekeeping_after(dialogs, settings, 3) == 0           # later sessions had no roll at all


def test_the_nudge_waits_out_quiet_hours(dialogs, settings, course):
    s1, s2, _, _ = sessions(dialogs, course)
    roll(dialogs, s1, ["r1", "r2"], 0)
    roll(dialogs, s2, ["r1", "r2"], 1)
    # 13 hours after the 09:00 class: 22:00 in Shanghai, inside quiet hours (21:30–08:00).
    assert housekeeping_after(dialogs, settings, 1, hours=13) == 1
    assert nudges(dialogs, "r0") == []
    dialogs.clock.set(FIRST + timedelta(weeks=1, hours=23, minutes=5))   # 08:05 the next morning
    [(kind, push)] = nudges(dialogs, "r0")
    assert kind == "absence"
