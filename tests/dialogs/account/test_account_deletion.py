"""删除我的账号: places given up and seats passed on, the person anonymised, the figures kept."""
from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.app import build_dialogs
from bot.handlers.console import ConsoleChat
from bot.privacy import phone_cipher
from bot.report.monthly import collect
from bot.report.months import month_of
from bot.texts import t
from store.enrolments import take_seat
from store.models import (AuditEntry, Booking, ChannelAccount, Enrolment, OutboxMessage, Resident, RoleGrant,
                          ServiceItem, ServiceOrder)
from store.models.enrolment import CANCELLED, CONFIRMED
from store.orders import place_order
from store.people import find_account
from store.roles import grant_role
from store.services_import import load_demo_services
from tests.conftest import START
from tests.dialogs.account.test_my_data_conversation import app_settings
from tests.store.test_bookings_store import WEDNESDAY, book, make_room, utc
from tests.support.catalog import add_course
from tests.support.people import console_person

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = month_of(2026, 11, TZ)


def resident_of(dialogs, user: str) -> int:
    with dialogs.db.session() as s:
        return find_account(s, "console", user).resident_id


@pytest.fixture
def world(db, settings, clock, tmp_path):
    """A finished November course wang and li attended, a full December course wang holds and zhao
    waits for, and an open order of wang's: all through the app as `linli chat` builds it."""
    past = add_course(db, "PAST-01", "太极（十一月）", capacity=5, first_start=START - timedelta(days=28), sessions=3)
    live = add_course(db, "LIVE-01", "书法入门", capacity=1, first_start=START + timedelta(days=2))
    load_demo_services(db)
    dialogs = build_dialogs(app_settings(settings, db, tmp_path), with_demo=False)
    dialogs.clock = clock
    chats = {user: console_person(dialogs, user) for user in ("wang", "li", "zhao")}
    ids = {user: resident_of(dialogs, user) for user in chats}
    with dialogs.db.session() as s:
        for user in ("wang", "li"):
            seat = take_seat(s, ids[user], past.id, now=START - timedelta(days=30))
            s.get(Enrolment, seat.enrolment_id).created_at = START - timedelta(days=30)  # signed up in November
        assert take_seat(s, ids["wang"], live.id, now=START).status == CONFIRMED
        assert take_seat(s, ids["zhao"], live.id, now=START).status == "waiting"
        service = s.exec(select(ServiceItem)).first()
        place_order(s, service_id=service.id, community="幸福社区", place="文化广场", preferred_dates="周六",
                    audience=40, contact_name="王阿姨",
                    contact_phone=phone_cipher(dialogs.settings, dialogs.db.url).seal("13812345678"),
                    resident_id=ids["wang"], now=START)
        grant_role(s, ids["wang"], "volunteer")
    room = make_room(db)
    assert book(db, ids["wang"], room, utc(WEDNESDAY, 10)).status == "booked"
    yield dialogs, chats, ids, {"past": past.id, "live": live.id}
    dialogs.db.dispose()


def november_figures(dialogs) -> tuple:
    """场次, 人次, each session's figures and each course's sign-ups made and cancelled in November."""
    with dialogs.db.session() as s:
        data = collect(s, NOVEMBER, START, TZ)
    return (len(data.sessions), data.visits, [(h.session_id, h.enrolled, h.on_leave, h.visits) for h in data.sessions],
            [(r.code, r.new, r.cancelled) for r in data.signups])


def delete_account(chat: ConsoleChat) -> str:
    screen = chat.say("我的数据")
    assert "2. 删除我的账号" in screen
    ask = chat.say("2")
    assert "1. 确认删除" in ask and "2. 不删除" in ask
    return chat.say("1")


def test_asking_and_saying_no_changes_nothing(world):
    dialogs, chats, ids, _ = world
    chats["wang"].say("我的数据")
    chats["wang"].say("2")
    assert "导出为文件" in chats["wang"].say("2")  # 不删除: back to 我的数据
    with dialogs.db.session() as s:
        assert s.get(Resident, ids["wang"]).erased_at is None
        assert find_account(s, "console", "wang").resident_id == ids["wang"]


def test_deleting_releases_the_seat_to_the_one_waiting_and_owes_them_the_push(world):
    dialogs, chats, ids, courses = world
    answer = delete_account(chats["wang"])
    assert answer.startswith("您的账号已删除：取消报名 1 门，取消预约 1 次，撤回点单 1 个")
    with dialogs.db.session() as s:
        live = {e.resident_id: e.status for e in s.exec(select(Enrolment).where(Enrolment.course_id == courses["live"]))}
        assert live == {ids["wang"]: CANCELLED, ids["zhao"]: CONFIRMED}
        push = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "promotion")).one()
        assert push.resident_id == ids["zhao"] and push.status == "pending" and "书法入门" in push.payload
        account = find_account(s, "console", "zhao")
        assert push.account_id == account.id


def test_deleting_keeps_the_monthly_figures(world):
    dialogs, chats, ids, courses = world
    before = november_figures(dialogs)
    assert before[1] == 6 and ("PAST-01", 2, 0) in before[3]  # three sessions, two people each
    delete_account(chats["wang"])
    assert november_figures(dialogs) == before
    with dialogs.db.session() as s:
        past = s.exec(select(Enrolment).where(Enrolment.course_id == courses["past"],
                                              Enrolment.resident_id == ids["wang"])).one()
        assert past.status == CONFIRMED  # history, not a seat to give back


def test_the_person_is_anonymised_unreachable_and_audited(world):
    dialogs, chats, ids, _ = world
    delete_account(chats["wang"])
    wang = ids["wang"]
    with dialogs.db.session() as s:
        person = s.get(Resident, wang)
        assert person.erased_at is not None and person.display_name == ""
        accounts = s.exec(select(ChannelAccount).where(ChannelAccount.resident_id == wang)).all()
        assert [a.external_id for a in accounts] == [f"erased:{accounts[0].id}"] and accounts[0].unreachable
        assert s.exec(select(RoleGrant).where(RoleGrant.resident_id == wang)).all() == []
        order = s.exec(select(ServiceOrder).where(ServiceOrder.ordered_by == wang)).one()
        assert (order.status, order.contact_name, order.contact_phone) == ("withdrawn", "", "")
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "account_erased")).one()
        assert entry.target == f"resident:{wang}" and entry.actor == "console:self"
        assert json.loads(entry.detail) == {"places": 1, "promoted": 1, "bookings": 1, "orders": 1, "accounts": 1}
        assert s.exec(select(Booking.status).where(Booking.resident_id == wang)).all() == ["cancelled"]


def test_a_new_message_from_the_same_id_starts_a_fresh_person(world):
    dialogs, chats, ids, _ = world
    delete_account(chats["wang"])
    again = ConsoleChat(dialogs, "wang").say("我的报名")
    assert t("greeting") in again
    assert resident_of(dialogs, "wang") != ids["wang"]
    screen = ConsoleChat(dialogs, "wang").say("我的数据")
    assert "报名：0 门" in screen and "点单：0 个" in screen
