"""Buttons pressed by the wrong person, or after the thing they act on is gone: a resident who
replays someone else's button data gets a clear refusal and changes nothing."""
from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select as select_rows
from sqlmodel import SQLModel, select

from bot.messages import Incoming, Reply
from bot.texts import t
from store.booking_slots import free_slots, local_date
from store.catalog import sessions_of
from store.db import Database
from store.models import Booking, ClassSession, Course, Enrolment, Room, ServiceOrder, Venue
from store.models.booking import BOOKED
from store.models.enrolment import CONFIRMED
from store.orders import active_services
from store.people import find_account
from store.points import credit_by_hand
from store.rewards import active_rewards, load_demo_rewards
from store.services_import import load_demo_services
from tests.conftest import START
from tests.support.catalog import add_course

CHANNEL = "console"
TZ = ZoneInfo("Asia/Shanghai")
HOURS = {day: "08:00-20:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
# What a turn writes whoever talks: the person, the conversation, the audit log.
BOOKKEEPING = {"audit_log", "dialog_state", "processed_update", "channel_account", "resident"}
FUTURE = "WH-SF-01"
PAST = "WH-GH-01"      # its first class is over, so it can be rated
SPARE = "TY-TJ-01"     # nobody signed up: it can be deleted outright


@pytest.fixture
def world(dialogs, sqlite_db):
    """Courses, a bookable room, the demo services and rewards; the owner signed up for two courses."""
    add_course(sqlite_db, FUTURE, "零基础毛笔书法", first_start=START + timedelta(days=1, hours=1))
    add_course(sqlite_db, PAST, "国画山水入门", category="国画", first_start=START - timedelta(days=2))
    add_course(sqlite_db, SPARE, "杨式太极拳（24式）", category="太极", section="体育",
               first_start=START + timedelta(days=2))
    with sqlite_db.session() as s:
        venue = Venue(code="V-XF", name="幸福社区党群服务中心", address="幸福路 12 号", community="幸福社区",
                      opening_hours=json.dumps(HOURS))
        s.add(venue)
        s.flush()
        s.add(Room(venue_id=venue.id, code="HYS", name="会议室", capacity=8))
    load_demo_services(sqlite_db)
    load_demo_rewards(sqlite_db)
    for code in (FUTURE, PAST):
        assert "报名成功" in press(dialogs, "owner", f"suy:{code}")[0].text
    say(dialogs, "intruder", "/start")
    return dialogs


def say(dialogs, user: str, text: str) -> list[Reply]:
    return dialogs.handle(Incoming(CHANNEL, user, text=text))


def press(dialogs, user: str, payload: str) -> list[Reply]:
    return dialogs.handle(Incoming(CHANNEL, user, payload=payload))


def choice(replies: list[Reply], prefix: str) -> str:
    """The payload of the first choice that starts with prefix."""
    return next(c.payload for r in replies for c in r.choices if c.payload.startswith(prefix))


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table a refused press must leave alone."""
    with db.session() as s:
        return {name: sorted(map(tuple, s.execute(select_rows(table)).all()), key=repr)
                for name, table in SQLModel.metadata.tables.items() if name not in BOOKKEEPING}


def resident_id(db: Database, user: str) -> int:
    with db.session() as s:
        return find_account(s, CHANNEL, user).resident_id


def enrolment_of(db: Database, user: str, code: str) -> Enrolment:
    who = resident_id(db, user)
    with db.session() as s:
        course = s.exec(select(Course).where(Course.code == code)).one()
        return s.exec(select(Enrolment).where(Enrolment.course_id == course.id,
                                              Enrolment.resident_id == who)).one()


def session_ids(db: Database, code: str) -> list[int]:
    with db.session() as s:
        course = s.exec(select(Course).where(Course.code == code)).one()
        return [c.id for c in sessions_of(s, course.id)]


def refused(dialogs, user: str, payload: str, expected: str) -> None:
    """The press is answered with the expected sentence and the store is exactly as before."""
    before = snapshot(dialogs.db)
    replies = press(dialogs, user, payload)
    assert [r.text for r in replies] == [expected], payload
    assert snapshot(dialogs.db) == before, f"{payload} changed the store"


def owner_at_booking_confirm(dialogs) -> str:
    """The owner picks a slot, a purpose and a headcount; the 确认预约 payload on the screen."""
    with dialogs.db.session() as s:
        room = s.exec(select(Room)).one()
        venue = s.get(Venue, room.venue_id)
        slot = free_slots(s, room, local_date(START, TZ) + timedelta(days=2), START, TZ, venue)[0]
    press(dialogs, "owner", f"bks:{room.id}:{slot.starts_at:%Y%m%d%H%M}")
    press(dialogs, "owner", "bkp:1")
    return choice(say(dialogs, "owner", "5"), "bky:")


def owner_at_order_summary(dialogs) -> None:
    """The owner answers every question of an order and sees the summary with 提交."""
    with dialogs.db.session() as s:
        service = active_services(s)[0]
    press(dialogs, "owner", f"osv:{service.code}")
    for answer in ("幸福社区", "文化广场", "12月20日晚上", str(max(service.min_audience, 80)), "王阿姨"):
        say(dialogs, "owner", answer)
    assert choice(press(dialogs, "owner", "osk"), "ook") == "ook"


def test_a_resident_cannot_cancel_someone_elses_sign_up(world):
    db = world.db
    mine = enrolment_of(db, "owner", FUTURE)
    for payload in (f"cx:{mine.id}", f"cxy:{mine.id}"):
        refused(world, "intruder", payload, t("signup_missing"))
    assert enrolment_of(db, "owner", FUTURE).status == CONFIRMED


def test_a_resident_cannot_take_leave_from_a_class_they_are_not_in(world):
    first = session_ids(world.db, FUTURE)[0]
    refused(world, "intruder", f"lv:{first}", t("leave_not_enrolled"))


def test_a_resident_cannot_rate_a_class_they_were_not_in(world):
    over = session_ids(world.db, PAST)[0]
    for grade in ("优", "差"):
        refused(world, "intruder", f"rt:{over}:{grade}", t("rating_not_enrolled"))


def test_a_resident_cannot_cancel_someone_elses_venue_booking(world):
    confirm = owner_at_booking_confirm(world)
    assert "签到码" in press(world, "owner", confirm)[0].text
    with world.db.session() as s:
        booking = s.exec(select(Booking)).one()
    for payload in (f"bkc:{booking.id}", f"bkcy:{booking.id}"):
        refused(world, "intruder", payload, t("booking_missing"))
    with world.db.session() as s:
        assert s.get(Booking, booking.id).status == BOOKED


def test_a_resident_cannot_confirm_the_booking_someone_else_is_making(world):
    confirm = owner_at_booking_confirm(world)
    refused(world, "intruder", confirm, t("booking_expired"))
    assert "签到码" in press(world, "owner", confirm)[0].text  # the owner's draft is untouched
    owner = resident_id(world.db, "owner")
    with world.db.session() as s:
        assert [b.resident_id for b in s.exec(select(Booking))] == [owner]


def test_a_resident_cannot_submit_or_rate_someone_elses_order(world):
    owner_at_order_summary(world)
    refused(world, "intruder", "ook", t("order_form_lost"))
    assert "点单成功" in press(world, "owner", "ook")[0].text  # the owner's form is untouched
    with world.db.session() as s:
        order = s.exec(select(ServiceOrder)).one()
    assert order.ordered_by == resident_id(world.db, "owner")
    for payload in (f"mo:{order.id}", f"orq:{order.id}"):
        refused(world, "intruder", payload, t("order_missing"))
    refused(world, "intruder", f"ort:{order.id}:优", t("order_rating_not_asked"))


def test_a_resident_cannot_use_someone_elses_exchange_button(world):
    owner = resident_id(world.db, "owner")
    with world.db.session() as s:
        credit_by_hand(s, owner, 100, "上月服务", "cli", START)
        reward = active_rewards(s)[0]
    exchange = choice(press(world, "owner", f"ptrd:{reward.id}"), "ptry:")
    refused(world, "intruder", exchange, t("reward_stale"))


@pytest.mark.parametrize("button", ["crs", "su", "suy"])
def test_a_button_of_a_course_taken_off_the_menu_signs_nobody_up(world, button):
    with world.db.session() as s:
        course = s.exec(select(Course).where(Course.code == FUTURE)).one()
        course.active = False
        s.add(course)
    refused(world, "intruder", f"{button}:{FUTURE}", t("course_missing"))


@pytest.mark.parametrize("button", ["crs", "su", "suy"])
def test_a_button_of_a_deleted_course_signs_nobody_up(world, button):
    with world.db.session() as s:
        course = s.exec(select(Course).where(Course.code == SPARE)).one()
        s.execute(delete(ClassSession).where(ClassSession.course_id == course.id))
        s.delete(course)
    refused(world, "intruder", f"{button}:{SPARE}", t("course_missing"))


@pytest.mark.parametrize("position", ["-1", "-2", "99", " -1"])
def test_a_forged_place_in_the_subscription_list_subscribes_to_nothing(world, position):
    screen = press(world, "intruder", "nsub")
    assert any(c.payload == "nsubt:0" for c in screen[0].choices)  # 幸福社区, from its venues
    before = snapshot(world.db)
    replies = press(world, "intruder", f"nsubt:{position}")
    assert replies[0].text == screen[0].text
    assert snapshot(world.db) == before
