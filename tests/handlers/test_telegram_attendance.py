"""点名 and 上课签到 on Telegram: the real python-telegram-bot against the fake Bot API."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from store.enrolments import take_seat
from store.models import Attendance, Course, SessionRoll
from store.people import get_or_create_account
from tests.conftest import START
from tests.handlers.test_telegram_chat import LI, WANG, Resident, catalogue, labels  # noqa: F401
from tests.support.catalog import add_course

TEACHER = 7100


def telegram_resident(db, user_id: int) -> int:
    with db.session() as s:
        return get_or_create_account(s, "telegram", str(user_id))[0].resident_id


async def test_the_teacher_takes_the_roll_and_a_resident_checks_in_by_the_link(api, bot_app, dialogs):
    db = dialogs.db
    course = add_course(db, "TY-TJ-09", "晨练太极", first_start=START + timedelta(hours=1), sessions=1)
    wang, li = telegram_resident(db, WANG), telegram_resident(db, LI)
    teacher_id = telegram_resident(db, TEACHER)
    with db.session() as s:
        for rid in (wang, li):
            assert take_seat(s, rid, course.id, START - timedelta(days=2)).status == "confirmed"
        s.get(Course, course.id).teacher_resident_id = teacher_id
    dialogs.clock.advance(minutes=40)                     # 08:40, the 09:00 class is in the window

    teacher = Resident(api, TEACHER, "林老师")
    assert "点名：请选择哪一节课" in await teacher.say("点名")
    roll = await teacher.press("12月1日（周二）09:00–10:30 晨练太极")
    assert "共 2 人，已到 0 人" in roll and labels(teacher.last)[0] == "1. 全到"
    with db.session() as s:
        code = s.exec(select(SessionRoll.code)).one()
    assert f"/?start=attend-{code}" in roll

    resident = Resident(api, LI, "李大爷")
    assert "签到成功！【晨练太极】" in await resident.say(f"/start attend-{code}")

    confirm = await teacher.say("1")                      # typed: resident 1 on the roll
    assert "到课 2 人" in confirm                          # 李大爷 checked in meanwhile, 王 marked now
    assert "已保存" in await teacher.press("确认保存")
    with db.session() as s:
        assert sorted(s.exec(select(Attendance.resident_id))) == sorted([wang, li])
