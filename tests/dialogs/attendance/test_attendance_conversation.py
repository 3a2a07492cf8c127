"""点名 and 上课签到 in the chat: the teacher or an organizer types who came, residents check in with the code."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.messages import Incoming
from store.models import Attendance, AuditEntry, ClassSession, Course, SessionRoll
from store.models.staff import ORGANIZER
from store.enrolments import take_seat
from store.leaves import take_leave
from store.people import get_or_create_account
from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.people import console_person

NAMES = ["王阿姨", "李大爷", "赵奶奶", "孙叔叔"]
FIRST = START + timedelta(hours=1)  # 12月1日（周二）09:00 local


def resident_of(dialogs, user: str) -> int:
    with dialogs.db.session() as s:
        return get_or_create_account(s, "console", user)[0].resident_id


def seat(dialogs, course_id: int, users: list[str]) -> None:
    for user in users:
        console_person(dialogs, user)
        rid = resident_of(dialogs, user)
        with dialogs.db.session() as s:
            assert take_seat(s, rid, course_id, START - timedelta(days=3)).status == "confirmed"


def name_people(dialogs, names: dict[str, str]) -> None:
    from store.models import Resident
    ids = {user: resident_of(dialogs, user) for user in names}
    with dialogs.db.session() as s:
        for user, name in names.items():
            s.get(Resident, ids[user]).display_name = name


@pytest.fixture
def course(dialogs):
    found = add_course(dialogs.db, "WH-SF-01", "零基础毛笔书法", first_start=FIRST, sessions=3)
    users = [f"r{i}" for i in range(len(NAMES))]
    seat(dialogs, found.id, users)
    name_people(dialogs, dict(zip(users, NAMES)))
    return found


@pytest.fixture
def teacher(dialogs, course):
    chat = console_person(dialogs, "teacher")
    rid = resident_of(dialogs, "teacher")
    with dialogs.db.session() as s:
        s.get(Course, course.id).teacher_resident_id = rid
    return chat


def first_session(dialogs, course) -> ClassSession:
    with dialogs.db.session() as s:
        return s.exec(select(ClassSession).where(ClassSession.course_id == course.id)
                      .order_by(ClassSession.starts_at)).first()


def present(dialogs, session_id: int) -> set[int]:
    with dialogs.db.session() as s:
        return set(s.exec(select(Attendance.resident_id).where(Attendance.session_id == session_id)))


def code_of(dialogs, session_id: int) -> str:
    with dialogs.db.session() as s:
        return s.exec(select(SessionRoll.code).where(SessionRoll.session_id == session_id)).one()


def test_the_teacher_marks_the_roll_by_numbers_and_confirms(dialogs, course, teacher):
    dialogs.clock.advance(minutes=70)                      # 09:10, the class has begun
    sid, rid = first_session(dialogs, course).id, resident_of(dialogs, "r3")
    with dialogs.db.session() as s:
        assert take_leave(s, sid, rid, START).status == "recorded"
    listing = teacher.say("点名")
    assert "点名：请选择哪一节课" in listing and "1. 12月1日（周二）09:00–10:30 零基础毛笔书法" in listing
    roll = teacher.say("1")
    assert "共 4 人，已到 0 人" in roll
    for line in ("1. 王阿姨", "2. 李大爷", "3. 赵奶奶", "4. 孙叔叔（请假）"):
        assert line in roll
    assert "1. 全到" in roll and "上课签到" in roll
    confirm = teacher.say("1,3")                            # two numbers: the residents, not buttons
    assert "到课 2 人：王阿姨、赵奶奶" in confirm and "未到 2 人：李大爷、孙叔叔" in confirm
    cls = first_session(dialogs, course)
    assert present(dialogs, cls.id) == set()               # nothing saved before 确认保存
    assert "到课 2 人" in teacher.say("1")                  # 确认保存
    assert present(dialogs, cls.id) == {resident_of(dialogs, "r0"), resident_of(dialogs, "r2")}
    with dialogs.db.session() as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "attendance.roll")).one()
    # Marked again: one typed number is resident 2, and the roll replaces what was marked.
    again = teacher.say("点名")
    assert "（已点名）" in again
    roll = teacher.say("1")
    assert "1. 王阿姨 ✓" in roll and "已到 2 人" in roll
    assert "到课 1 人：李大爷" in teacher.say("2")
    teacher.say("1")
    assert present(dialogs, cls.id) == {resident_of(dialogs, "r1")}


def test_all_present_and_a_way_back(dialogs, course, teacher):
    dialogs.clock.advance(minutes=70)
    teacher.say("点名")
    teacher.say("1")
    confirm = teacher.say("全到")
    assert "到课 4 人" in confirm and "未到 0 人：无" in confirm
    back = teacher.say("3")                                   # 返回: to the sessions, nothing saved
    assert "点名：请选择哪一节课" in back
    assert present(dialogs, first_session(dialogs, course).id) == set()


def test_bad_numbers_are_asked_again_and_nothing_is_kept(dialogs, course, teacher):
    dialogs.clock.advance(minutes=70)
    teacher.say("点名")
    teacher.say("1")
    for typed in ("1 9", "0", "一二", "1 3 x"):
        assert "请回复名单上的序号（1 到 4）" in teacher.say(typed)
    assert "到课 2 人" in teacher.say("2-3")
    assert present(dialogs, first_session(dialogs, course).id) == set()


def test_a_roll_of_twenty_pages_and_takes_numbers_beyond_the_page(dialogs):
    big = add_course(dialogs.db, "TY-TJ-01", "杨式太极拳", first_start=FIRST, sessions=1, capacity=30)
    users = [f"p{i:02d}" for i in range(20)]
    seat(dialogs, big.id, users)
    organizer = console_person(dialogs, "boss", ORGANIZER)
    dialogs.clock.advance(minutes=70)
    organizer.say("点名")
    roll = organizer.say("1")
    assert "共 20 人，已到 0 人（第 1/3 页）" in roll and "8. 居民" in roll and "9. 居民" not in roll
    assert roll.split("\n\n")[-1].splitlines() == ["1. 全到", "2. 下一页", "3. 返回", "4. 主菜单"]
    page2 = organizer.dialogs.handle(Incoming("console", "boss", payload=f"roll:{first_session(dialogs, big).id}:2"))
    assert "9. 居民" in page2[0].text and "（第 2/3 页）" in page2[0].text
    assert [c.label for c in page2[0].choices] == ["全到", "下一页", "上一页", "返回", "主菜单"]
    confirm = organizer.say("1 2 19 20")                     # 19 and 20 are on the last page
    assert "到课 4 人" in confirm and "未到 16 人" in confirm
    assert "到课 4 人" in organizer.say("1")
    assert len(present(dialogs, first_session(dialogs, big).id)) == 4


def test_a_resident_cannot_take_the_roll(dialogs, course):
    stranger = console_person(dialogs, "r0")
    dialogs.clock.advance(minutes=70)
    assert "只对工作人员开放" in stranger.say("点名")
    cls = first_session(dialogs, course)
    for forged in (f"roll:{cls.id}", f"rolla:{cls.id}", f"rolly:{cls.id}"):
        assert "只对工作人员开放" in dialogs.handle(Incoming("console", "r0", payload=forged))[0].text
    assert present(dialogs, cls.id) == set()
    with dialogs.db.session() as s:
        assert len(s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()) == 4


def test_an_organizer_of_another_community_cannot_take_the_roll(dialogs, course):
    elsewhere = console_person(dialogs, "other")
    rid = resident_of(dialogs, "other")
    from store.roles import grant_role
    with dialogs.db.session() as s:
        grant_role(s, rid, ORGANIZER, community="光明社区")
    dialogs.clock.advance(minutes=70)
    assert "最近没有您可以点名的课" in elsewhere.say("点名")
    cls = first_session(dialogs, course)
    assert "只对工作人员开放" in dialogs.handle(Incoming("console", "other", payload=f"roll:{cls.id}"))[0].text


def test_self_check_in_inside_and_outside_the_window(dialogs, course, teacher):
    cls = first_session(dialogs, course)
    assert "最近没有您可以点名的课" in teacher.say("点名")   # 08:00: the 09:00 class is an hour away
    dialogs.clock.advance(minutes=35)                        # 08:35, inside the window
    teacher.say("点名")
    teacher.say("1")
    code = code_of(dialogs, cls.id)
    resident = console_person(dialogs, "r1")
    assert "签到码“XXXXXX”不对" in resident.say("上课签到 XXXXXX")
    assert "签到成功！【零基础毛笔书法】12月1日（周二）09:00–10:30" in resident.say(f"上课签到 {code.lower()}")
    assert "已经签到过了" in resident.say(f"上课签到 {code}")
    assert present(dialogs, cls.id) == {resident_of(dialogs, "r1")}
    dialogs.clock.advance(minutes=60)                        # 09:35: the window closed at 09:30
    late = console_person(dialogs, "r2")
    assert "签到已经结束" in late.say(f"上课签到 {code}")
    outsider = console_person(dialogs, "nobody")
    dialogs.clock.advance(minutes=-10)
    assert "您没有报名【零基础毛笔书法】" in outsider.say(f"上课签到 {code}")
    assert present(dialogs, cls.id) == {resident_of(dialogs, "r1")}


def test_check_in_too_early_and_through_the_deep_link(dialogs, course, teacher):
    cls = first_session(dialogs, course)
    with dialogs.db.session() as s:
        from store.attendance import ensure_roll
        code = ensure_roll(s, cls.id, START).code
    early = console_person(dialogs, "r0")
    assert "还没到签到时间" in early.say(f"上课签到 {code}")   # 08:00, an hour before
    dialogs.clock.advance(minutes=40)
    # The QR code's web link arrives as the payload here:CODE; Telegram's as "/start attend-CODE".
    assert "签到成功" in dialogs.handle(Incoming("console", "r0", payload=f"here:{code}"))[0].text
    assert "签到成功" in console_person(dialogs, "r2").say(f"/start attend-{code}")
    assert present(dialogs, cls.id) == {resident_of(dialogs, "r0"), resident_of(dialogs, "r2")}


def test_a_roll_keeps_a_check_in_it_did_not_list(dialogs, course, teacher):
    dialogs.clock.advance(minutes=50)                        # 08:50
    teacher.say("点名")
    teacher.say("1")
    code = code_of(dialogs, first_session(dialogs, course).id)
    teacher.say("1")                                         # only 王阿姨 marked …
    console_person(dialogs, "r3").say(f"上课签到 {code}")      # … while 孙叔叔 checks himself in
    teacher.say("1")                                         # 确认保存
    assert present(dialogs, first_session(dialogs, course).id) == {resident_of(dialogs, "r0"),
                                                                   resident_of(dialogs, "r3")}
