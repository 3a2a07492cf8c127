"""代办 as staff see it in the terminal: finding a resident by name and phone 尾号, registering one who
has no chat account, and signing up, cancelling, taking 请假 and booking for them — each audited,
marked 代办, and pushed to the resident when they have a chat account. Residents cannot act for others."""
from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.handlers.console import ConsoleChat
from bot.messages import Incoming
from bot.privacy import phone_cipher
from bot.report.months import month_of
from bot.report.queries import signups
from store.models import AuditEntry, Booking, Enrolment, Resident, RoleGrant, Room, SessionLeave, Venue
from store.people import find_account
from store.proxy import register_person
from store.roles import grant_role
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person

HOURS = {day: "09:00-12:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", capacity=2, first_start=START + timedelta(days=1, hours=1))
    with sqlite_db.session() as s:
        centre = Venue(code="V-XF", name="幸福社区党群服务中心", address="幸福路 12 号", community="幸福社区",
                       kind="community_centre", opening_hours=json.dumps(HOURS))
        s.add(centre)
        s.flush()
        s.add(Room(venue_id=centre.id, code="HYS", name="会议室", capacity=8))
        s.commit()
    return sqlite_db


def person(dialogs, name: str, phone: str, community: str = "幸福社区", staff_id: int = 1) -> int:
    """A resident registered with a phone, as staff would (straight in the store)."""
    with dialogs.db.session() as s:
        cipher = phone_cipher(dialogs.settings, dialogs.db.url)
        done = register_person(s, cipher, name=name, phone=phone, community=community, staff_id=staff_id,
                               actor="test", now=START)
        s.commit()
        return done.resident.id


def resident_of(dialogs, user: str) -> int:
    with dialogs.db.session() as s:
        return find_account(s, "console", user).resident_id


def audits(dialogs, prefix: str) -> list[AuditEntry]:
    with dialogs.db.session() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)))


def register_zhang(staff: ConsoleChat) -> str:
    staff.say("代办")
    staff.say("登记新居民")
    assert "请输入张桂兰的手机号" in staff.say("张桂兰")
    assert "住在哪个社区" in staff.say("138 1234 5678".replace(" ", ""))
    preview = staff.say("幸福社区")
    assert "电话：138****5678" in preview and "社区：幸福社区" in preview
    return staff.say("确认登记")


def test_staff_register_a_phoneless_elder_and_sign_her_up(dialogs, catalogue):
    staff = console_person(dialogs, "staff", "grid_staff")
    staff_id = resident_of(dialogs, "staff")
    done = register_zhang(staff)
    assert "已登记张桂兰（幸福社区）" in done and "没有聊天账号" in done
    with dialogs.db.session() as s:
        zhang = s.exec(select(Resident).where(Resident.display_name == "张桂兰")).one()
        assert zhang.phone.startswith("g1:") and "5678" not in zhang.phone    # sealed at rest
        assert zhang.phone_tail and zhang.registered_by == staff_id
    started = staff.say("开始代办")
    assert started.startswith("【正在为张桂兰代办") and "退出代办" in started
    staff.say("服务菜单"), staff.say("文化"), staff.say("1"), staff.say("1")
    assert "确认报名" in staff.say("报名")
    signed = staff.say("确认报名")
    assert signed.startswith("【正在为张桂兰代办") and "报名成功" in signed
    assert "零基础毛笔书法（代办）" in staff.say("我的报名")
    with dialogs.db.session() as s:
        [place] = s.exec(select(Enrolment)).all()
        assert place.resident_id == zhang.id and place.proxy_by == staff_id
    [signup] = audits(dialogs, "proxy.signup")
    assert signup.actor_resident_id == staff_id and json.loads(signup.detail)["for"] == zhang.id
    assert [a.action for a in audits(dialogs, "proxy.")] == ["proxy.register", "proxy.start", "proxy.signup"]
    left = staff.say("退出代办")
    assert "已退出为张桂兰代办" in left and "正在为" not in left
    assert "您还没有报名" in staff.say("我的报名")                 # the staff member's own list again
    # The month's report counts the sign-up as 代办.
    with dialogs.db.session() as s:
        [row] = signups(s, month_of(2026, 12, ZoneInfo("Asia/Shanghai")))
        assert (row.new, row.proxy) == (1, 1)


def test_find_by_name_and_tail_and_pick_among_namesakes(dialogs, catalogue):
    first = person(dialogs, "李秀英", "13900001111", "幸福社区")
    second = person(dialogs, "李秀英", "13700001111", "和平社区")
    person(dialogs, "李秀英", "13700002222", "幸福社区")
    staff = console_person(dialogs, "staff", "organizer")
    staff.say("代办")
    none = staff.say("王建国 1111")
    assert "没有找到姓名含“王建国”、手机尾号 1111 的居民" in none and "登记新居民" in none
    assert "例如：张三 1234" in staff.say("李秀英 12")                    # not four digits: asked again
    both = staff.say("李秀英 1111")
    assert "找到 2 位居民" in both
    assert f"1. 李秀英 · 幸福社区 · 编号{first}" in both and f"2. 李秀英 · 和平社区 · 编号{second}" in both
    card = staff.say("2")
    assert "社区：和平社区" in card and "电话：137****1111" in card
    staff.say("代办")
    assert "社区：幸福社区" in staff.say("秀英，尾号2222")                  # one match opens the card
    # A grid worker of one community finds only its residents.
    grid = console_person(dialogs, "grid", None)
    grid_id = resident_of(dialogs, "grid")
    with dialogs.db.session() as s:
        grant_role(s, grid_id, "grid_staff", "和平社区")
        s.commit()
    grid.say("代办")
    only = grid.say("李秀英 1111")
    assert "社区：和平社区" in only and "找到" not in only


def test_cancel_leave_and_booking_for_a_resident_reach_her_chat(dialogs, catalogue):
    console_person(dialogs, "wang")
    wang_id = resident_of(dialogs, "wang")
    with dialogs.db.session() as s:   # a resident whose phone staff registered earlier
        me = s.get(Resident, wang_id)
        cipher = phone_cipher(dialogs.settings, dialogs.db.url)
        me.display_name, me.phone, me.phone_tail = "王淑芬", cipher.seal("13512348888"), cipher.tail_digest("8888")
        s.add(me)
        s.commit()
    deliver_due(dialogs, "wang")
    staff = console_person(dialogs, "staff", "organizer")
    staff_id = resident_of(dialogs, "staff")
    staff.say("代办")
    card = staff.say("王淑芬 8888")
    assert "能在聊天里收到代办通知" in card
    staff.say("开始代办")
    staff.say("服务菜单"), staff.say("文化"), staff.say("1"), staff.say("1"), staff.say("报名"), staff.say("确认报名")
    staff.say("我的报名")
    place = staff.say("1")
    assert "请假（12月2日）" in place
    assert "已为您请假" in staff.say("请假")
    staff.say("我的报名"), staff.say("1")
    staff.say("取消报名")
    assert "已取消" in staff.say("确定取消")
    for text in ("场馆预约", "1", "1", "2", "1", "合唱排练", "5"):
        staff.say(text)
    assert "预约成功" in staff.say("1")
    pushes = [reply.text for kind, reply in deliver_due(dialogs, "wang") if kind == "proxy"]
    assert len(pushes) == 4
    assert all(p.startswith("工作人员") and "为您代办" in p for p in pushes)
    assert "报名【零基础毛笔书法】" in pushes[0] and "请假" in pushes[1] and "取消【零基础毛笔书法】的报名" in pushes[2]
    assert "预约幸福社区党群服务中心会议室" in pushes[3]
    with dialogs.db.session() as s:
        assert s.exec(select(SessionLeave)).one().proxy_by == staff_id
        booking = s.exec(select(Booking)).one()
        assert (booking.resident_id, booking.proxy_by) == (wang_id, staff_id)
    assert [a.action for a in audits(dialogs, "proxy.")][-4:] == ["proxy.signup", "proxy.leave", "proxy.cancel",
                                                                   "proxy.book"]


def test_only_on_behalf_steps_run_while_acting(dialogs, catalogue):
    zhang = person(dialogs, "张桂兰", "13812345678")
    staff = console_person(dialogs, "staff", "organizer")
    dialogs.handle(Incoming("console", "staff", payload=f"pxg:{zhang}"))
    refused = staff.say("我的数据")
    assert "代办时只能报名、取消、请假和预约场馆" in refused and "退出代办" in refused
    assert "代办时只能" in staff.say("点名")
    assert "代办时只能" in staff.say("代办")                     # no second 代办 inside the first
    menu = staff.say("主菜单")
    assert "退出代办" in menu and "帮助" not in menu
    assert "已退出为张桂兰代办" in staff.say("退出代办")
    assert "现在没有在代办" in staff.say("退出代办")


def test_acting_ends_when_the_staff_role_goes(dialogs, catalogue):
    zhang = person(dialogs, "张桂兰", "13812345678")
    staff = console_person(dialogs, "staff", "grid_staff")
    dialogs.handle(Incoming("console", "staff", payload=f"pxg:{zhang}"))
    with dialogs.db.session() as s:
        for grant in s.exec(select(RoleGrant)).all():
            s.delete(grant)
        s.commit()
    reply = staff.say("我的报名")
    assert reply.startswith("代办已结束") and "正在为" not in reply


def test_a_resident_cannot_act_for_others(dialogs, catalogue):
    zhang = person(dialogs, "张桂兰", "13812345678")
    resident = console_person(dialogs, "li")
    li_id = resident_of(dialogs, "li")
    assert "只对工作人员开放" in resident.say("代办")
    for payload in (f"pxg:{zhang}", f"pxp:{zhang}", f"pxf:{zhang}", "pxr", "pxy"):
        [reply] = dialogs.handle(Incoming("console", "li", payload=payload))
        assert "只对工作人员开放" in reply.text, payload
    [reply] = dialogs.handle(Incoming("console", "li", payload=f"famg:{zhang}"))
    assert "还没有绑定家人" in reply.text
    assert "正在为" not in resident.say("我的报名")
    refusals = audits(dialogs, "refused")
    assert len(refusals) == 6 and {a.actor_resident_id for a in refusals} == {li_id}
    assert audits(dialogs, "proxy.") == [] or all(a.action == "proxy.register" for a in audits(dialogs, "proxy."))


def test_registering_the_same_person_twice_finds_the_first(dialogs, catalogue):
    staff = console_person(dialogs, "staff", "organizer")
    register_zhang(staff)
    again = register_zhang(staff)
    assert "张桂兰已经登记过了" in again
    with dialogs.db.session() as s:
        assert len(s.exec(select(Resident).where(Resident.display_name == "张桂兰")).all()) == 1


def test_bad_answers_while_registering_change_nothing(dialogs, catalogue):
    staff = console_person(dialogs, "staff", "organizer")
    staff.say("代办"), staff.say("登记新居民")
    assert "姓名请输入 2 到 20 个字" in staff.say("张")
    staff.say("张桂兰")
    assert "手机号应是 1 开头的 11 位数字" in staff.say("12345")
    assert "请输入居民的姓名" in staff.say("返回上一步")
    assert "请输入居民的姓名和手机号后四位" in staff.say("返回上一步")
    with dialogs.db.session() as s:
        assert s.exec(select(Resident).where(Resident.display_name == "张桂兰")).first() is None


def test_acting_is_never_started_in_a_group(dialogs, catalogue):
    zhang = person(dialogs, "张桂兰", "13812345678")
    console_person(dialogs, "staff", "organizer")
    [typed] = dialogs.handle(Incoming("console", "staff", text="代办", chat_id="group-1"))
    assert "单独聊天" in typed.text
    [pressed] = dialogs.handle(Incoming("console", "staff", payload=f"pxg:{zhang}", chat_id="group-1"))
    assert "单独聊天" in pressed.text
    [after] = dialogs.handle(Incoming("console", "staff", text="我的报名", chat_id="group-1"))
    assert "正在为" not in after.text


def test_the_roll_and_the_attendance_export_mark_places_made_by_proxy(dialogs, catalogue, clock, tmp_path):
    from openpyxl import load_workbook

    from bot.report.attendance import write_attendance
    from store.catalog import course_by_code
    zhang = person(dialogs, "张桂兰", "13812345678")
    console_person(dialogs, "li")
    staff = console_person(dialogs, "staff", "organizer")
    dialogs.handle(Incoming("console", "li", payload="suy:WH-SF-01"))
    dialogs.handle(Incoming("console", "staff", payload=f"pxg:{zhang}"))
    assert "报名成功" in dialogs.handle(Incoming("console", "staff", payload="suy:WH-SF-01"))[0].text
    staff.say("退出代办")
    clock.advance(days=1, hours=1, minutes=10)                        # the first session has started
    staff.say("点名")
    roll = staff.say("1")
    assert "张桂兰（代办）" in roll and "（代办）" not in roll.replace("张桂兰（代办）", "")
    with dialogs.db.session() as s:
        course = course_by_code(s, "WH-SF-01")
        out = write_attendance(s, course, clock.now() + timedelta(days=1), ZoneInfo("Asia/Shanghai"),
                               tmp_path / "att.xlsx")
    names = [row[0] for row in load_workbook(out)["出勤明细"].iter_rows(min_row=2, values_only=True)]
    assert "张桂兰（代办）" in names and sum("（代办）" in str(n) for n in names) == 1
