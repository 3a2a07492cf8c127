"""Changes to a course at the same moment as sign-ups or as another organizer's change, on SQLite and
PostgreSQL: whoever holds a seat when the dust settles has reminders at the session's new time only,
a session stopped twice at once is stopped (and announced) once, and 确认发布 pressed twice at once
publishes one course."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.support.clock import ManualClock
from bot.dialogs.engine import Dialogs
from bot.dialogs.pushes.plan import reminder_due
from bot.messages import Incoming
from store.models import ClassSession, Course, Enrolment, OutboxMessage
from store.models.enrolment import CONFIRMED
from store.models.staff import ORGANIZER
from store.people import find_account
from tests.conftest import START
from tests.store.test_attendance_store import together
from tests.support.catalog import add_course
from tests.support.people import console_person
from tests.support.pushes import plan_until

FIRST = START + timedelta(days=1, hours=1)   # Wednesday 2 December 09:00 in Shanghai
SECOND = FIRST + timedelta(weeks=1)


def setup(db, settings, organizers=("boss",)):
    dialogs = Dialogs(db, settings, ManualClock(START))
    add_course(dialogs.db, "WH-SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2, capacity=10)
    bosses = [console_person(dialogs, name, ORGANIZER) for name in organizers]
    for boss in bosses:
        boss.say("管理课程")
        boss.say("1")
    with db.session() as s:
        second = s.exec(select(ClassSession).where(ClassSession.starts_at == SECOND)).one().id
    return dialogs, bosses, second


def test_sign_ups_racing_a_move_all_end_with_reminders_at_the_new_time(db, settings):
    dialogs, [boss], second = setup(db, settings)
    early = [f"early{i}" for i in range(2)]
    late = [f"late{i}" for i in range(4)]
    for user in early + late:
        console_person(dialogs, user)
    for user in early:
        dialogs.handle(Incoming("console", user, payload="suy:WH-SF-01"))
    boss.say("调课")
    boss.say("2")
    assert "改到 12月10日（周四）14:00–15:30" in boss.say("12月10日 14:00-15:30")
    moved_to = SECOND + timedelta(days=1, hours=5)

    def sign_up(user):
        return lambda: dialogs.handle(Incoming("console", user, payload="suy:WH-SF-01"))[0].text

    answers = together(lambda: dialogs.handle(Incoming("console", "boss", payload="pbdo"))[0].text,
                       *(sign_up(u) for u in late))
    assert "已调课" in answers[0] and all("报名成功" in a for a in answers[1:])
    wanted = sorted(reminder_due(settings, moved_to, m) for m in settings.scheduler.reminder_offsets_minutes)
    plan_until(db, settings, moved_to)  # the ticks until the class, as each reminder falls due
    with db.session() as s:
        seated = s.exec(select(Enrolment.resident_id).where(Enrolment.status == CONFIRMED)).all()
        assert len(seated) == 6
        for user in early + late:
            resident = find_account(s, "console", user).resident_id
            due = sorted(row.due_at for row in s.exec(select(OutboxMessage).where(
                OutboxMessage.resident_id == resident, OutboxMessage.kind == "reminder",
                OutboxMessage.idem_key.contains(f":session:{second}:"))))
            assert due == wanted, user
            notices = s.exec(select(OutboxMessage).where(OutboxMessage.resident_id == resident,
                                                         OutboxMessage.kind == "schedule_change")).all()
            assert len(notices) <= 1 and (user not in early or len(notices) == 1)


def test_two_organizers_stopping_the_same_session_at_once_stop_it_once(db, settings):
    dialogs, bosses, second = setup(db, settings, ("boss", "deputy"))
    console_person(dialogs, "wang")
    dialogs.handle(Incoming("console", "wang", payload="suy:WH-SF-01"))
    for boss in bosses:
        boss.say("停一次课")
        assert "停掉" in boss.say("2")

    def confirm(user):
        return lambda: dialogs.handle(Incoming("console", user, payload="pbdo"))[0].text

    answers = together(confirm("boss"), confirm("deputy"))
    assert sum("已停课" in a for a in answers) == 1 and sum("没有找到这次课" in a for a in answers) == 1
    with db.session() as s:
        assert s.get(ClassSession, second) is None
        wang = find_account(s, "console", "wang").resident_id
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.resident_id == wang,
                                                      OutboxMessage.kind == "schedule_change")).all()) == 1


def test_confirming_one_course_twice_at_once_publishes_it_once(db, settings):
    dialogs = Dialogs(db, settings, ManualClock(START))
    boss = console_person(dialogs, "boss", ORGANIZER)
    for answer in ("发布课程", "文化", "书法", "零基础毛笔书法", "王老师", "幸福社区文化家园", "每周三 14:00-15:30 共8次",
                   "20", "不加标签", "先到先得", "0"):
        boss.say(answer)
    assert "请核对" in boss.say("空位自动给候补")

    def confirm():
        return dialogs.handle(Incoming("console", "boss", payload="pbok"))[0].text

    answers = together(confirm, confirm)
    assert sum("已发布" in a for a in answers) == 1 and sum("过期" in a for a in answers) == 1
    with db.session() as s:
        assert len(s.exec(select(Course)).all()) == 1 and len(s.exec(select(ClassSession)).all()) == 8
