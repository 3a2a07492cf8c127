"""Two organizers confirm the same roll at the same moment, in the chat, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from tests.support.clock import ManualClock
from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from store.models import Attendance, ClassSession
from store.models.staff import ORGANIZER
from tests.conftest import START
from tests.dialogs.attendance.test_attendance_conversation import FIRST, seat
from tests.support.catalog import add_course
from tests.support.people import console_person


def test_two_organizers_saving_at_once_count_everyone_once(db, settings):
    dialogs = Dialogs(db, settings, ManualClock(START + timedelta(minutes=70)))
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=FIRST, sessions=1)
    seat(dialogs, course.id, ["r0", "r1", "r2"])
    first, second = console_person(dialogs, "boss1", ORGANIZER), console_person(dialogs, "boss2", ORGANIZER)
    for chat, typed in ((first, "1 2"), (second, "2 3")):
        chat.say("点名")
        chat.say("1")
        assert "到课 2 人" in chat.say(typed)
    with db.session() as s:
        session_id = s.exec(select(ClassSession.id)).one()
    barrier = threading.Barrier(2)

    def confirm(user: str) -> str:
        barrier.wait()
        return dialogs.handle(Incoming("console", user, payload=f"rolly:{session_id}"))[0].text

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(confirm, ("boss1", "boss2")))
    assert all("已保存" in a and "到课 2 人" in a for a in answers)
    with db.session() as s:
        rows = s.exec(select(Attendance.resident_id, func.count()).group_by(Attendance.resident_id)).all()
    assert len(rows) == 2 and {n for _, n in rows} == {1}   # one of the two rolls, whole, nobody twice
