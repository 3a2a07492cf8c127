"""场馆预约 as residents and staff see it in the terminal: booking by numbers, a slot taken a moment
earlier, check-in by staff only, reminders, cancelling and the pause after two no-shows."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.handlers.console import ConsoleChat, render_reply
from bot.messages import Incoming
from store.bookings import mark_no_shows
from store.models import AuditEntry, Booking, Room, RoomClosure, Venue
from store.people import find_account
from store.roles import grant_role
from tests.dialogs.push_delivery import deliver_due, pending_keys

HOURS = {"mon": "09:00-12:00", "tue": "09:00-12:00", "wed": "09:00-12:00", "thu": "09:00-12:00",
         "fri": "09:00-12:00", "sat": "09:00-12:00"}
WEDNESDAY_9 = datetime(2026, 12, 2, 1, 0)  # 09:00 in Shanghai


@pytest.fixture
def venues(sqlite_db):
    with sqlite_db.session() as s:
        centre = Venue(code="V-XF", name="幸福社区党群服务中心", address="幸福路 12 号", community="幸福社区",
                       kind="community_centre", phone="8826 4401", opening_hours=json.dumps(HOURS))
        gym = Venue(code="V-JS", name="东湖全民健身中心", address="体育路 2 号", community="湖滨社区",
                    kind="gym", opening_hours=json.dumps({"mon": "07:00-21:30"}))
        s.add_all([centre, gym])
        s.flush()
        s.add_all([Room(venue_id=centre.id, code="HYS", name="会议室", capacity=8),
                   Room(venue_id=centre.id, code="WT", name="小舞台", capacity=50, slot_minutes=120),
                   Room(venue_id=gym.id, code="GYM", name="智能健身房", capacity=15),
                   RoomClosure(venue_id=centre.id, date=date(2026, 12, 3), reason="设备检修")])
    return sqlite_db


def chat_for(dialogs, user_id: str) -> ConsoleChat:
    chat = ConsoleChat(dialogs, user_id)
    chat.say("/start")
    return chat


def up_to_confirm(chat: ConsoleChat, day: str = "2", slot: str = "1") -> str:
    """场馆预约 → 幸福社区党群服务中心 → 会议室 → a day → a slot → purpose → 5 people."""
    for text in ("场馆预约", "1", "1", day, slot, "合唱排练"):
        chat.say(text)
    return chat.say("5")


def code_in(text: str) -> str:
    return re.search(r"签到码：([A-Z0-9]{6})", text).group(1)


def resident_of(dialogs, user_id: str) -> int:
    with dialogs.db.session() as s:
        return find_account(s, "console", user_id).resident_id


def bookings(dialogs) -> list[Booking]:
    with dialogs.db.session() as s:
        return list(s.exec(select(Booking).order_by(Booking.id)))


def test_a_resident_books_by_numbers(dialogs, venues):
    chat = chat_for(dialogs, "a")
    listing = chat.say("场馆预约")
    assert "1. 幸福社区党群服务中心\n2. 东湖全民健身中心\n3. 我的预约\n4. 主菜单" in listing  # once, as choices
    rooms = chat.say("1")
    assert "幸福路 12 号" in rooms and "今天 09:00–12:00" in rooms
    assert "1. 会议室（最多 8 人）" in rooms and "2. 小舞台（最多 50 人）" in rooms
    days = chat.say("1")
    for line in ("1. 12月1日（周二）（今天）", "2. 12月2日（周三）", "3. 12月3日（周四） 休息（设备检修）",
                 "6. 下一页", "7. 返回", "8. 主菜单"):
        assert line in days
    assert "1. 12月6日（周日） 休息" in chat.say("下一页")
    chat.say("上一页")
    assert "不开放（设备检修）" in chat.say("3")
    slots = chat.say("2")
    assert "1. 09:00–10:00" in slots and "3. 11:00–12:00" in slots
    assert "用来做什么" in chat.say("1")
    assert "用途写了 51 个字，请精简到 50 字以内" in chat.say("排" * 51)
    assert "一共几位" in chat.say("合唱排练")
    assert "没看懂人数" in chat.say("很多")
    assert "会议室最多容纳 8 人，9 人坐不下" in chat.say("9")
    assert bookings(dialogs) == []
    confirm = chat.say("5")
    for line in ("场馆：幸福社区党群服务中心", "场地：会议室", "时间：12月2日（周三）09:00–10:00",
                 "用途：合唱排练", "人数：5 人", "1. 确认预约"):
        assert line in confirm
    done = chat.say("1")
    assert "预约成功" in done and "12月2日（周三）09:00–10:00" in done and "幸福路 12 号" in done
    code = code_in(done)
    [booking] = bookings(dialogs)
    assert (booking.check_in_code, booking.starts_at, booking.headcount, booking.purpose) == \
        (code, WEDNESDAY_9, 5, "合唱排练")
    assert pending_keys(dialogs, "a") == [f"booking:{booking.id}:reminder"]
    mine = chat.say("我的预约")
    assert "12月2日（周三）09:00–10:00 幸福社区党群服务中心 · 会议室" in mine and code in mine


def test_the_second_resident_finds_the_slot_gone(dialogs, venues):
    first, second = chat_for(dialogs, "a"), chat_for(dialogs, "b")
    assert "确认预约" in up_to_confirm(first)
    assert "确认预约" in up_to_confirm(second)
    assert "预约成功" in first.say("1")
    late = second.say("1")
    assert "刚刚被别人约走了" in late
    assert "1. 10:00–11:00" in late and "09:00–10:00" not in late
    assert len(bookings(dialogs)) == 1
    # Someone choosing afterwards no longer sees it.
    third = chat_for(dialogs, "c")
    for text in ("场馆预约", "1", "1"):
        third.say(text)
    assert "09:00–10:00" not in third.say("2")


def test_a_slot_that_has_begun_cannot_be_booked(dialogs, venues, clock):
    chat = chat_for(dialogs, "a")
    for text in ("场馆预约", "1", "1"):
        chat.say(text)
    assert "1. 09:00–10:00" in chat.say("1")  # today
    clock.advance(hours=1, minutes=5)           # 09:05 in Shanghai
    answer = chat.say("1")
    assert "这个时段已经过了" in answer and "1. 10:00–11:00" in answer
    assert bookings(dialogs) == []


def test_staff_check_in_and_a_resident_is_refused(dialogs, venues, clock):
    resident = chat_for(dialogs, "a")
    up_to_confirm(resident)
    code = code_in(resident.say("1"))
    staff = chat_for(dialogs, "grid-1")
    with dialogs.db.session() as s:
        grant_role(s, resident_of(dialogs, "grid-1"), "grid_staff", "幸福社区")
    assert "只对工作人员开放" in resident.say(f"/checkin {code}")
    assert "只对工作人员开放" in resident.say(f"签到 {code}")
    assert bookings(dialogs)[0].status == "booked"
    clock.set(WEDNESDAY_9 - timedelta(hours=1))
    assert "还没到签到时间" in staff.say(f"签到 {code}")
    clock.set(WEDNESDAY_9 - timedelta(minutes=10))
    done = staff.say(f"/checkin {code.lower()}")
    assert "签到成功" in done and "12月2日（周三）09:00–10:00" in done and "人数：5 人" in done
    assert bookings(dialogs)[0].status == "checked_in"
    assert "已经签到过了" in staff.say(f"签到 {code}")
    assert "没有找到签到码 ZZZZZZ" in staff.say("签到 ZZZZZZ")
    assert "请回复“签到”加上" in staff.say("签到")
    with dialogs.db.session() as s:
        actions = [a.action for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("refused") == 2 and actions.count("booking.checkin") == 1


def test_staff_of_another_community_cannot_check_in(dialogs, venues):
    resident = chat_for(dialogs, "a")
    up_to_confirm(resident)
    code = code_in(resident.say("1"))
    chat_for(dialogs, "grid-2")
    with dialogs.db.session() as s:
        grant_role(s, resident_of(dialogs, "grid-2"), "grid_staff", "湖滨社区")
    assert "只对工作人员开放" in ConsoleChat(dialogs, "grid-2").say(f"签到 {code}")
    assert bookings(dialogs)[0].status == "booked"


def test_reminder_an_hour_before_and_cancel_drops_it(dialogs, venues, clock):
    chat = chat_for(dialogs, "a")
    up_to_confirm(chat)
    code = code_in(chat.say("1"))
    up_to_confirm(chat, day="4")  # Friday 4 December, 09:00
    chat.say("1")
    clock.set(WEDNESDAY_9 - timedelta(hours=1))
    [(kind, reminder)] = deliver_due(dialogs, "a")
    shown = render_reply(reminder)
    assert kind == "booking_reminder" and "您今天有预约" in shown and code in shown
    assert "幸福社区党群服务中心 · 会议室" in shown and "1. 我的预约" in shown
    mine = chat.say("我的预约")
    assert "2. 取消 12月4日 09:00 的预约" in mine
    assert "确定取消" in chat.say("2")
    assert "已取消预约" in chat.say("1")
    assert pending_keys(dialogs, "a") == []


def test_cancelling_too_close_to_the_start_is_refused_politely(dialogs, venues, clock):
    chat = chat_for(dialogs, "a")
    up_to_confirm(chat)
    chat.say("1")
    menu = chat.say("我的预约")
    clock.set(WEDNESDAY_9 - timedelta(hours=1, minutes=30))
    answer = chat.say("1")  # 取消 12月2日 09:00 的预约, from the list shown earlier
    assert "开始前 2 小时内不能在网上取消了" in answer and "8826 4401" in answer
    assert "取消 12月2日 09:00" in menu and bookings(dialogs)[0].status == "booked"


def test_two_no_shows_pause_booking_and_the_resident_is_told(dialogs, venues, clock, settings):
    chat = chat_for(dialogs, "a")
    for day in ("2", "4"):
        up_to_confirm(chat, day=day)
        assert "预约成功" in chat.say("1")
    clock.set(datetime(2026, 12, 4, 3, 0))  # Friday 11:00, both bookings over
    report = mark_no_shows(dialogs.db, clock.now(), settings.booking)
    assert report.marked == 2 and report.paused == [resident_of(dialogs, "a")]
    # The reminders came due too, but a no-show's reminder is obsolete and is not sent.
    pushes = [(kind, reply) for kind, reply in deliver_due(dialogs, "a") if reply is not None]
    assert [kind for kind, _ in pushes] == ["booking_pause"]
    told = pushes[0][1].text
    assert "30 天内有 2 次预约没有到场签到" in told and "暂停到 1月3日 11:00" in told
    again = chat.say("场馆预约")
    assert "暂停到 1月3日 11:00" in again
    assert [b.status for b in bookings(dialogs)] == ["no_show", "no_show"]


def test_the_head_count_question_has_a_way_back(dialogs, venues):
    chat = chat_for(dialogs, "a")
    for text in ("场馆预约", "1", "1", "2", "1"):
        chat.say(text)
    ask = chat.say("合唱排练")
    assert "一共几位" in ask and ask.endswith("1. 返回\n2. 主菜单")
    assert "人数：1 人" in chat.say("1")             # on this step a number is the head-count
    for text in ("场馆预约", "1", "1", "2", "1", "合唱排练"):
        chat.say(text)
    assert "1. 09:00–10:00" in chat.say("返回")      # the words go back to the free times
    assert bookings(dialogs) == []


def test_a_picture_on_the_head_count_step_keeps_numbers_meaning_people(dialogs, venues):
    chat = chat_for(dialogs, "a")
    for text in ("场馆预约", "1", "1", "2", "1", "合唱排练"):
        chat.say(text)
    [again] = dialogs.handle(Incoming("console", "a", unreadable=True))
    assert [c.label for c in again.choices] == ["返回", "主菜单"]
    assert "人数：2 人" in chat.say("2")
