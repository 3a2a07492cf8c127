"""A course that offers freed seats: the first one waiting is asked, with a deadline; 放弃 or
silence passes the seat on; an answer after the deadline is told so."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.dialogs.pushes.housekeeping import run_housekeeping
from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from store.models import Course, Enrolment, SeatOffer
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person

COURSE_PAGE = ("1", "1", "1", "1")  # 服务菜单 → 文化 → 书法 → the course


def offer_course(db, first_start=START + timedelta(days=3)) -> Course:
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", capacity=1, first_start=first_start)
    with db.session() as s:
        row = s.get(Course, course.id)
        row.seat_offer = "offer"
        s.add(row)
    return course


def sign_up(chat) -> str:
    for text in ("/start", *COURSE_PAGE, "1"):
        chat.say(text)
    return chat.say("1")


def cancel_first(chat) -> str:
    chat.say("我的报名")
    chat.say("1")
    chat.say("取消报名")
    return chat.say("1")


def offers_to(dialogs, user: str) -> list[str]:
    return [reply.text for _, reply in deliver_due(dialogs, user) if reply and "空出了" in reply.text]


def statuses(db) -> dict[int, str]:
    with db.session() as s:
        return {e.queue_no: e.status for e in s.exec(select(Enrolment))}


def three_in_line(dialogs):
    chats = [console_person(dialogs, name) for name in ("ana", "bo", "cai")]
    assert "报名成功" in sign_up(chats[0])
    assert "排在第 1 位" in sign_up(chats[1])
    assert "排在第 2 位" in sign_up(chats[2])
    return chats


def test_a_freed_seat_is_offered_to_the_first_waiting_who_accepts(dialogs):
    offer_course(dialogs.db)
    ana, bo, cai = three_in_line(dialogs)
    assert "已取消" in cancel_first(ana)
    assert statuses(dialogs.db) == {1: "cancelled", 2: "waiting", 3: "waiting"}  # asked, not seated
    (offer,) = offers_to(dialogs, "bo")
    assert "12月1日 20:00 前" in offer                       # 12 h from 08:00 Shanghai time
    assert offers_to(dialogs, "cai") == []
    # Nobody new takes the seat held for bo.
    dave = console_person(dialogs, "dave")
    assert "排在第 3 位" in sign_up(dave)
    accepted = bo.say("1")                                   # 接受, typed as its number
    assert "报名成功" in accepted and "零基础毛笔书法" in accepted
    assert statuses(dialogs.db) == {1: "cancelled", 2: "confirmed", 3: "waiting", 4: "waiting"}


def test_giving_up_passes_the_seat_to_the_next(dialogs):
    offer_course(dialogs.db)
    ana, bo, cai = three_in_line(dialogs)
    cancel_first(ana)
    offers_to(dialogs, "bo")
    assert "已放弃" in bo.say("2")                            # 放弃
    assert statuses(dialogs.db) == {1: "cancelled", 2: "cancelled", 3: "waiting"}
    assert len(offers_to(dialogs, "cai")) == 1


def test_silence_lets_the_offer_lapse_and_a_late_answer_is_told(dialogs, settings):
    offer_course(dialogs.db)
    ana, bo, cai = three_in_line(dialogs)
    cancel_first(ana)
    offers_to(dialogs, "bo")
    dialogs.clock.advance(hours=12, minutes=1)
    run_housekeeping(dialogs.db, settings, dialogs.clock.now())
    told = [reply.text for _, reply in deliver_due(dialogs, "bo") if reply]
    assert any("没有确认，已让给下一位候补" in text for text in told)
    assert len(offers_to(dialogs, "cai")) == 1
    with dialogs.db.session() as s:
        bos_offer = s.exec(select(SeatOffer).where(SeatOffer.status == "expired")).one()
    late = dialogs.handle(Incoming("console", "bo", payload=f"ofa:{bos_offer.id}"))[0].text
    assert "已过确认时间" in late
    assert statuses(dialogs.db) == {1: "cancelled", 2: "cancelled", 3: "waiting"}
    assert "报名成功" in cai.say("1")


def test_the_deadline_is_shorter_when_the_session_is_near(dialogs):
    offer_course(dialogs.db, first_start=START + timedelta(hours=6))
    ana, bo, cai = three_in_line(dialogs)
    cancel_first(ana)
    (offer,) = offers_to(dialogs, "bo")
    assert "12月1日 11:00 前" in offer                      # half of the 6 h left, in Shanghai time


def test_an_offer_of_someone_else_reads_as_missing(dialogs):
    offer_course(dialogs.db)
    ana, bo, cai = three_in_line(dialogs)
    cancel_first(ana)
    with dialogs.db.session() as s:
        offer_id = s.exec(select(SeatOffer.id)).one()
    answer = dialogs.handle(Incoming("console", "cai", payload=f"ofa:{offer_id}"))[0].text
    assert "没有找到这个名额" in answer
    assert statuses(dialogs.db) == {1: "cancelled", 2: "waiting", 3: "waiting"}


def test_an_offer_survives_a_restart(dialogs, settings):
    offer_course(dialogs.db)
    ana, bo, cai = three_in_line(dialogs)
    cancel_first(ana)                                       # the offer is written, not yet sent
    restarted = Dialogs(dialogs.db, settings, dialogs.clock)
    (offer,) = offers_to(restarted, "bo")
    assert "空出了 1 个名额" in offer
    with dialogs.db.session() as s:
        offer_id = s.exec(select(SeatOffer.id)).one()
    assert "零基础毛笔书法 · 名额留到12月1日 20:00" in bo.say("我的报名")
    assert "有名额留给您，请在 12月1日 20:00 前" in bo.say("1")
    answer = restarted.handle(Incoming("console", "bo", payload=f"ofa:{offer_id}"))[0].text
    assert "报名成功" in answer
    assert statuses(dialogs.db) == {1: "cancelled", 2: "confirmed", 3: "waiting"}
