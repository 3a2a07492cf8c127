"""Residents bring companions: each person takes a seat, a cancellation frees them all, and the
waiting list moves only when the whole party at its head fits."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.messages import Incoming
from store.models import Course, Enrolment
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person

COURSE_PAGE = ("1", "1", "1", "1")  # 服务菜单 → 文化 → 书法 → the course


def companion_course(db, capacity: int = 4, companions_max: int = 2) -> Course:
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", capacity=capacity, first_start=START + timedelta(days=1))
    with db.session() as s:
        row = s.get(Course, course.id)
        row.companions_max = companions_max
        s.add(row)
    return course


def sign_up_with(chat, companions: int) -> str:
    for text in COURSE_PAGE:
        chat.say(text)
    asked = chat.say("1")                                   # 报名 / 候补
    assert "您带几位同伴" in asked and "1. 就我自己" in asked
    chat.say(str(companions + 1))
    return chat.say("1")                                    # 确认


def parties(db) -> dict[int, tuple[str, int]]:
    with db.session() as s:
        return {e.queue_no: (e.status, e.party) for e in s.exec(select(Enrolment))}


def test_a_party_takes_one_seat_per_person(dialogs):
    companion_course(dialogs.db)
    ana = console_person(dialogs, "ana")
    done = sign_up_with(ana, 2)
    assert "报名成功" in done and "共 3 人，占 3 个名额" in done
    for text in ("/start", *COURSE_PAGE):
        page = ana.say(text)
    assert "还剩 1 个名额（共 4 个）" in page


def test_the_question_offers_no_more_than_the_course_allows(dialogs):
    companion_course(dialogs.db, companions_max=2)
    ana = console_person(dialogs, "ana")
    for text in COURSE_PAGE:
        ana.say(text)
    asked = ana.say("1")
    assert "3. 带 2 位同伴" in asked and "带 3 位" not in asked and "4. 返回" in asked
    # A forged button asking for five companions is asked again, and nothing is signed up.
    again = dialogs.handle(Incoming("console", "ana", payload="suy:WH-SF-01:5"))[0].text
    assert "您带几位同伴" in again
    assert parties(dialogs.db) == {}


def test_cancelling_frees_every_seat_and_the_queue_moves_in_order(dialogs):
    companion_course(dialogs.db, capacity=4)
    ana, bo, cai = (console_person(dialogs, name) for name in ("ana", "bo", "cai"))
    assert "报名成功" in sign_up_with(ana, 2)               # 3 of 4 seats
    for text in COURSE_PAGE:
        bo.say(text)
    bo.say("1")
    assert "只剩 1 个名额，不够 2 人一起" in bo.say("2")        # a pair does not fit the one seat left
    assert "排在第 1 位" in bo.say("1")
    # One seat is free, but cai waits behind bo: nobody skips the queue.
    for text in COURSE_PAGE:
        cai.say(text)
    cai.say("1")
    assert "确认加入候补" in cai.say("1")
    assert "排在第 2 位" in cai.say("1")
    assert parties(dialogs.db) == {1: ("confirmed", 3), 2: ("waiting", 2), 3: ("waiting", 1)}
    ana.say("我的报名")
    ana.say("1")
    ana.say("取消报名")
    assert "已取消" in ana.say("1")
    assert parties(dialogs.db) == {1: ("cancelled", 3), 2: ("confirmed", 2), 3: ("confirmed", 1)}
    assert any("好消息" in reply.text for _, reply in deliver_due(dialogs, "bo"))
    assert any("好消息" in reply.text for _, reply in deliver_due(dialogs, "cai"))


def test_a_party_bigger_than_the_course_is_told_so(dialogs):
    companion_course(dialogs.db, capacity=2, companions_max=3)
    ana = console_person(dialogs, "ana")
    for text in COURSE_PAGE:
        ana.say(text)
    ana.say("1")
    answer = ana.say("4")                                   # 带 3 位同伴: 4 people, 2 seats
    assert "只有 2 个名额" in answer
    assert parties(dialogs.db) == {}
