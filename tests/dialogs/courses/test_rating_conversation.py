"""The 优/良/中/差 poll after class, as a resident sees it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Incoming
from bot.handlers.console import ConsoleChat, render_reply
from store.catalog import sessions_of
from store.ratings import ratings_summary
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course

FIRST = START + timedelta(days=1, hours=1)    # Wednesday 2 December, 09:00–10:30 in Shanghai
POLL_DUE = FIRST + timedelta(minutes=90 + 30)


@pytest.fixture
def course(sqlite_db):
    return add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=FIRST, sessions=2,
                      teacher="林秀兰老师")


@pytest.fixture
def chat(dialogs, course):
    chat = ConsoleChat(dialogs, "resident-1")
    chat.dialogs.handle(Incoming("console", chat.user_id, payload="suy:WH-SF-01"))
    return chat


@pytest.fixture
def first_id(dialogs, course) -> int:
    with dialogs.db.session() as s:
        return sessions_of(s, course.id)[0].id


def poll_now(dialogs, clock, user: str):
    clock.set(POLL_DUE)
    polls = [reply for kind, reply in deliver_due(dialogs, user) if kind == "poll"]
    assert len(polls) == 1
    return polls[0]


def test_rate_with_a_comment_then_a_second_tap_changes_nothing(chat, dialogs, clock, first_id):
    shown = render_reply(poll_now(dialogs, clock, chat.user_id))
    assert "【零基础毛笔书法】12月2日（周三）09:00–10:30 的课上完了" in shown
    for line in ("1. 优", "2. 良", "3. 中", "4. 差"):
        assert line in shown
    thanks = chat.say("1")
    assert "谢谢您的评价（优）" in thanks and "1. 跳过" in thanks
    assert "收到您的意见" in chat.say("老师讲得很耐心")
    again = dialogs.handle(Incoming("console", chat.user_id, payload=f"rt:{first_id}:差"))
    assert "已经评价过了（优）" in again[0].text
    summary = ratings_summary(dialogs.db, course_code="WH-SF-01")
    assert summary["counts"] == {"优": 1, "良": 0, "中": 0, "差": 0}
    assert [c["comment"] for c in summary["comments"]] == ["老师讲得很耐心"]


def test_skipping_the_comment_returns_to_normal_typing(chat, dialogs, clock):
    poll_now(dialogs, clock, chat.user_id)
    chat.say("2")
    assert "谢谢您的评价" in chat.say("1")    # 跳过
    assert "零基础毛笔书法" in chat.say("书法")  # a search again, not a comment
    summary = ratings_summary(dialogs.db)
    assert summary["counts"]["良"] == 1 and summary["comments"] == []


def test_text_long_after_rating_is_a_search_not_a_comment(chat, dialogs, clock):
    poll_now(dialogs, clock, chat.user_id)
    chat.say("3")
    clock.advance(hours=2)
    assert "零基础毛笔书法" in chat.say("书法")
    assert ratings_summary(dialogs.db)["comments"] == []


def test_a_comment_within_the_hour_is_kept(chat, dialogs, clock):
    poll_now(dialogs, clock, chat.user_id)
    chat.say("2")
    clock.advance(minutes=59)
    assert "收到您的意见" in chat.say("书法课很好")
    assert [c["comment"] for c in ratings_summary(dialogs.db)["comments"]] == ["书法课很好"]


def test_a_poll_already_answered_is_not_sent_again(chat, dialogs, clock, first_id):
    clock.set(FIRST + timedelta(minutes=95))  # the class is over, the poll not yet sent
    answer = dialogs.handle(Incoming("console", chat.user_id, payload=f"rt:{first_id}:优"))
    assert "谢谢您的评价（优）" in answer[0].text
    clock.set(POLL_DUE)
    assert [reply for kind, reply in deliver_due(dialogs, chat.user_id) if kind == "poll"] == [None]


def test_rating_after_the_poll_closes_is_refused(chat, dialogs, clock, first_id):
    clock.set(POLL_DUE + timedelta(days=3, minutes=1))
    pushes = dict(deliver_due(dialogs, chat.user_id))
    assert pushes.get("poll") is None  # closed before it could go: never sent
    late = dialogs.handle(Incoming("console", chat.user_id, payload=f"rt:{first_id}:优"))
    assert "评价已经结束" in late[0].text
    assert ratings_summary(dialogs.db)["total"] == 0


def test_only_residents_who_took_part_can_rate(chat, dialogs, clock, first_id):
    clock.set(POLL_DUE)
    forged = dialogs.handle(Incoming("console", "stranger", payload=f"rt:{first_id}:优"))
    assert "只有参加了这次课的学员才能评价" in forged[-1].text
    early = dialogs.handle(Incoming("console", chat.user_id, payload=f"rt:{first_id + 1}:优"))
    assert "还没上完" in early[0].text
    assert ratings_summary(dialogs.db)["total"] == 0


def test_forged_rating_payloads_get_a_clear_answer(chat, dialogs, first_id):
    for payload in ("rt:", "rt:abc:优", f"rt:{first_id}", f"rt:{first_id}:好", "rt:999999:优", "rts:"):
        replies = dialogs.handle(Incoming("console", chat.user_id, payload=payload))
        assert replies and replies[0].text and "系统繁忙" not in replies[0].text
