"""有新课时提醒我 and 有名额时提醒我 as residents see them: the push after a catalogue import that
publishes a new course in the category, and after a place is given up in a full course; once
per event, after quiet hours, and never again after 不用提醒了."""
from __future__ import annotations

import csv
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.app import import_catalogue
from bot.dialogs.engine import Dialogs
from bot.handlers.console import render_reply
from bot.messages import Incoming
from store.models import Enrolment, OutboxMessage
from store.people import find_account
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person

HEADER = ["course_code", "section", "category", "title", "teacher", "venue", "starts_at", "ends_at", "capacity"]
BRUSH = ["WH-SF-01", "文化", "书法", "零基础毛笔书法", "林秀兰老师", "和平街道文化站",
         "2026-12-02 09:00", "2026-12-02 10:30", "20"]
PEN = ["WH-SF-02", "文化", "书法", "硬笔书法：写一手好字", "周明老师", "和平街道文化站",
       "2026-12-03 14:00", "2026-12-03 15:30", "20"]
SEAL = ["WH-SF-03", "文化", "书法", "篆刻入门", "周明老师", "和平街道文化站",
        "2026-12-04 14:00", "2026-12-04 15:30", "20"]
TAICHI = ["TY-TJ-01", "体育", "太极", "杨式太极拳（24式）", "赵德胜老师", "区文化馆",
          "2026-12-05 09:00", "2026-12-05 10:30", "20"]


def number_of(label: str, answer: str) -> str:
    for line in answer.splitlines():
        if ". " in line and line.split(". ", 1)[1].startswith(label):
            return line.split(". ", 1)[0]
    raise AssertionError(f"no choice {label!r} in:\n{answer}")


@pytest.fixture
def publish(dialogs, settings, tmp_path):
    """Import a catalogue of these rows, as `linli import catalog` does, at the clock's time."""
    def run(*rows):
        path = tmp_path / f"catalog-{len(list(tmp_path.iterdir()))}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([HEADER, *rows])
        return import_catalogue(dialogs.db, settings, path, now=dialogs.clock.now())
    run(BRUSH, TAICHI)
    return run


def watching_calligraphy(dialogs) -> object:
    wang = console_person(dialogs, "wang")
    category = wang.say("书法")  # a category's name opens it
    assert "零基础毛笔书法" in category
    answer = wang.say(number_of("有新课时提醒我", category))
    assert "好的。【书法】有新课时，会发消息告诉您" in answer
    return wang


def test_a_new_course_in_a_watched_category_is_announced_once(dialogs, publish):
    wang = watching_calligraphy(dialogs)
    console_person(dialogs, "li")
    publish(BRUSH, TAICHI)
    assert deliver_due(dialogs, "wang") == []        # nothing new yet
    publish(BRUSH, PEN, TAICHI)
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "watch_new"
    assert "【书法】有新课了：硬笔书法：写一手好字" in push.text
    assert "12月3日（周四）14:00–15:30" in push.text and "和平街道文化站" in push.text
    assert deliver_due(dialogs, "li") == []          # li watches nothing
    publish(BRUSH, PEN, TAICHI)
    assert deliver_due(dialogs, "wang") == []        # the same course is not news twice
    assert "【硬笔书法：写一手好字】" in wang.say(number_of("查看课程", render_reply(push)))


def test_a_new_course_in_another_category_is_not_announced(dialogs, publish):
    watching_calligraphy(dialogs)
    publish(BRUSH, TAICHI, ["TY-TJ-02", "体育", "太极", "陈式太极拳", "赵德胜老师", "区文化馆",
                            "2026-12-06 09:00", "2026-12-06 10:30", "20"])
    assert deliver_due(dialogs, "wang") == []


def test_stopping_the_alert_from_the_push_stops_the_next_ones(dialogs, publish):
    wang = watching_calligraphy(dialogs)
    publish(BRUSH, PEN, TAICHI)
    [(_, push)] = deliver_due(dialogs, "wang")
    assert "好的，不再提醒【书法】的新课" in wang.say(number_of("不用提醒了", render_reply(push)))
    publish(BRUSH, PEN, SEAL, TAICHI)
    assert deliver_due(dialogs, "wang") == []


def test_news_published_at_night_waits_for_the_morning(dialogs, publish, clock):
    watching_calligraphy(dialogs)
    clock.set(START + timedelta(hours=14))           # 22:00 in Shanghai, inside quiet hours
    publish(BRUSH, PEN, TAICHI)
    assert deliver_due(dialogs, "wang") == []
    clock.set(START + timedelta(days=1))             # 08:00 the next morning
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "watch_new" and "硬笔书法" in push.text


@pytest.fixture
def full_course(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", capacity=1, first_start=START + timedelta(days=1, hours=1))
    return sqlite_db


def sign_up(dialogs, user: str) -> str:
    console_person(dialogs, user)
    return render_reply(dialogs.handle(Incoming("console", user, payload="suy:WH-SF-01"))[0])


def watching_the_seat(dialogs) -> object:
    wang = console_person(dialogs, "wang")
    page = wang.say(number_of("零基础毛笔书法", wang.say("毛笔")))
    assert "名额已满" in page
    assert "有名额时提醒我" in page
    answer = wang.say(number_of("有名额时提醒我", page))
    assert "好的。【零基础毛笔书法】空出名额时，会发消息告诉您一次" in answer
    return wang


def test_a_freed_seat_is_announced_to_those_watching(dialogs, full_course):
    assert "报名成功" in sign_up(dialogs, "li")
    wang = watching_the_seat(dialogs)
    li = console_person(dialogs, "li")
    li.say("我的报名")
    li.say("1")
    li.say("取消报名")
    assert "已取消【零基础毛笔书法】的报名" in li.say("1")
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "watch_seat"
    assert "【零基础毛笔书法】空出名额了，还剩 1 个" in push.text
    assert "确认报名【零基础毛笔书法】" in wang.say(number_of("报名", render_reply(push)))
    assert "报名成功" in wang.say("1")
    assert deliver_due(dialogs, "wang") == []


def test_a_seat_that_goes_to_the_waiting_list_is_not_announced(dialogs, full_course):
    sign_up(dialogs, "li")
    assert "候补" in sign_up(dialogs, "zhao")
    watching_the_seat(dialogs)
    li = console_person(dialogs, "li")
    li.say("我的报名")
    li.say("1")
    li.say("取消报名")
    li.say("1")
    assert deliver_due(dialogs, "wang") == []


def test_a_course_with_seats_needs_no_alert(dialogs, full_course):
    wang = console_person(dialogs, "wang")
    answer = render_reply(dialogs.handle(Incoming("console", "wang", payload="wcrs:WH-SF-01"))[0])
    assert "现在就有名额，可以直接报名" in answer
    assert "有名额时提醒我" not in wang.say(number_of("查看课程", answer))


def test_stopping_the_seat_alert_on_the_same_screen(dialogs, full_course):
    sign_up(dialogs, "li")
    wang = watching_the_seat(dialogs)
    assert "好的，不再提醒【零基础毛笔书法】的名额" in wang.say("1")   # 1. 不用提醒了
    li = console_person(dialogs, "li")
    li.say("我的报名")
    li.say("1")
    li.say("取消报名")
    li.say("1")
    assert deliver_due(dialogs, "wang") == []


def test_two_places_given_up_at_once_announce_the_seat_once(db, settings, clock):
    """Two residents cancel at the same moment; the one watching hears of a free seat once."""
    dialogs = Dialogs(db, settings, clock)
    add_course(db, "WH-SF-01", "零基础毛笔书法", capacity=2, first_start=START + timedelta(days=1, hours=1))
    for user in ("li", "zhao"):
        assert "报名成功" in sign_up(dialogs, user)
    console_person(dialogs, "wang")
    assert "空出名额时" in render_reply(dialogs.handle(Incoming("console", "wang", payload="wcrs:WH-SF-01"))[0])
    with db.session() as s:
        places = {user: s.exec(select(Enrolment.id).where(
            Enrolment.resident_id == find_account(s, "console", user).resident_id)).one() for user in ("li", "zhao")}
    start = threading.Barrier(2)
    answers = {}

    def cancel(user: str) -> None:
        start.wait()
        answers[user] = render_reply(dialogs.handle(Incoming("console", user, payload=f"cxy:{places[user]}"))[0])

    threads = [threading.Thread(target=cancel, args=(user,)) for user in places]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all("已取消" in answer for answer in answers.values()), answers
    with db.session() as s:
        wang = find_account(s, "console", "wang").resident_id
        alerts = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "watch_seat",
                                                    OutboxMessage.resident_id == wang)).all()
    assert len(alerts) == 1
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "watch_seat" and "还剩 2 个" in push.text


def test_one_place_cancelled_twice_at_once_announces_the_seat_once(db, settings, clock):
    dialogs = Dialogs(db, settings, clock)
    add_course(db, "WH-SF-01", "零基础毛笔书法", capacity=1, first_start=START + timedelta(days=1, hours=1))
    sign_up(dialogs, "li")
    console_person(dialogs, "wang")
    dialogs.handle(Incoming("console", "wang", payload="wcrs:WH-SF-01"))
    with db.session() as s:
        place = s.exec(select(Enrolment.id)).one()
    start = threading.Barrier(2)

    def cancel() -> None:
        start.wait()
        dialogs.handle(Incoming("console", "li", payload=f"cxy:{place}"))

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [kind for kind, _ in deliver_due(dialogs, "wang")] == ["watch_seat"]


def cancel_place(dialogs, user: str) -> str:
    chat = console_person(dialogs, user)
    chat.say("我的报名")
    chat.say("1")
    chat.say("取消报名")
    return chat.say("1")


def test_a_seat_taken_again_before_the_morning_is_not_announced_and_the_next_one_is(dialogs, full_course, clock):
    sign_up(dialogs, "li")
    watching_the_seat(dialogs)
    clock.set(START + timedelta(hours=14))           # 22:00 in Shanghai, inside quiet hours
    assert "已取消" in cancel_place(dialogs, "li")
    assert deliver_due(dialogs, "wang") == []
    assert "报名成功" in sign_up(dialogs, "zhao")     # someone else took the seat meanwhile
    clock.set(START + timedelta(days=1))             # 08:00
    assert deliver_due(dialogs, "wang") == [("watch_seat", None)]   # dropped, not sent
    clock.advance(hours=1)
    assert "已取消" in cancel_place(dialogs, "zhao")
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "watch_seat" and "空出名额了" in push.text


def test_an_alert_stopped_and_asked_for_again_is_sent_for_the_next_seat(dialogs, full_course):
    sign_up(dialogs, "li")
    wang = watching_the_seat(dialogs)
    wang.say("1")                                    # 不用提醒了
    watching_the_seat(dialogs)                       # and again
    assert "已取消" in cancel_place(dialogs, "li")
    assert [kind for kind, _ in deliver_due(dialogs, "wang")] == ["watch_seat"]


def test_an_alert_stopped_after_the_seat_freed_at_night_is_not_sent(dialogs, full_course, clock):
    sign_up(dialogs, "li")
    watching_the_seat(dialogs)
    clock.set(START + timedelta(hours=14))           # 22:00: the alert waits for the morning
    assert "已取消" in cancel_place(dialogs, "li")
    answer = render_reply(dialogs.handle(Incoming("console", "wang", payload="wcrs:WH-SF-01:1"))[0])
    assert "不再提醒" in answer
    clock.set(START + timedelta(days=1))
    assert deliver_due(dialogs, "wang") == [("watch_seat", None)]


def test_seats_added_by_an_import_are_announced(dialogs, publish):
    small = BRUSH[:-1] + ["1"]
    publish(small, TAICHI)
    assert "报名成功" in sign_up(dialogs, "li")
    console_person(dialogs, "wang")
    answer = render_reply(dialogs.handle(Incoming("console", "wang", payload="wcrs:WH-SF-01"))[0])
    assert "空出名额时" in answer
    publish(small, TAICHI)
    assert deliver_due(dialogs, "wang") == []
    publish(BRUSH[:-1] + ["3"], TAICHI)
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "watch_seat" and "还剩 2 个" in push.text
