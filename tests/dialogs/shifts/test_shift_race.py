"""Volunteers pressing 我要报名 for the last places at the same moment, in the chat, on SQLite and
PostgreSQL: the head count holds; and a check-out sent twice at once credits once."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.support.clock import ManualClock
from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from store.models import PointEntry, Shift, ShiftSignup
from store.models.shifts import SIGNED
from store.people import get_or_create_account
from store.shifts import post_shift
from store.volunteers import approve, register
from tests.conftest import START
from tests.store.test_attendance_store import together
from tests.support.people import console_person

SHIFT_START = START + timedelta(days=4, hours=1)


def approved(dialogs: Dialogs, user: str) -> None:
    console_person(dialogs, user)
    with dialogs.db.session() as s:
        rid = get_or_create_account(s, "console", user)[0].resident_id
    with dialogs.db.session() as s:
        approve(s, register(s, rid, "志愿者", "福田社区", "不限", "周末", START).volunteer.id, "organizer", START)


def test_sign_ups_at_once_fill_the_places_and_no_more(db, settings):
    clock = ManualClock(START)
    dialogs = Dialogs(db, settings, clock)
    users = [f"v{i}" for i in range(6)]
    for user in users:
        approved(dialogs, user)
    with db.session() as s:
        shift_id = post_shift(s, "图书馆周六值班", "区图书馆", SHIFT_START, SHIFT_START + timedelta(hours=3),
                              2, None, START).id

    def press(user: str):
        return lambda: dialogs.handle(Incoming("console", user, payload=f"shsign:{shift_id}"))[0].text

    answers = together(*(press(u) for u in users))
    assert sum("报名成功" in a for a in answers) == 2 and sum("名额已满" in a for a in answers) == 4
    with db.session() as s:
        assert s.get(Shift, shift_id).taken == 2
        signed = s.exec(select(ShiftSignup).where(ShiftSignup.status == SIGNED)).all()
        assert len(signed) == 2
        code = s.get(Shift, shift_id).code
    winner = next(u for u, a in zip(users, answers) if "报名成功" in a)
    clock.set(SHIFT_START)
    assert "签到成功" in dialogs.handle(Incoming("console", winner, text=f"值班签到 {code}"))[0].text
    clock.set(SHIFT_START + timedelta(hours=3))

    def check_out():
        return dialogs.handle(Incoming("console", winner, text=f"签退 {code}"))[0].text

    outs = together(check_out, check_out)
    assert sum("签退成功" in a for a in outs) == 1 and sum("已经签退过了" in a for a in outs) == 1
    with db.session() as s:
        assert [(e.minutes, e.points) for e in s.exec(select(PointEntry)).all()] == [(180, 3)]
