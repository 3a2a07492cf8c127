"""意见反馈 in the chat: a resident's wish reaches the organizers, and their reply reaches the resident."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.messages import Incoming
from store.models import AuditEntry, Feedback
from store.models.staff import ORGANIZER
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person


@pytest.fixture
def world(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1))
    return sqlite_db


@pytest.fixture
def resident(dialogs, world):
    return console_person(dialogs, "li")


@pytest.fixture
def organizer(dialogs, world):
    return console_person(dialogs, "organizer", ORGANIZER)


def saved(dialogs) -> list[Feedback]:
    with dialogs.db.session() as s:
        return list(s.exec(select(Feedback)))


def test_the_entries_are_under_more_services(dialogs, resident):
    pages = [dialogs.handle(Incoming("console", "li", payload=f"more:{page}"))[0] for page in (1, 2)]
    assert {"我的积分", "意见反馈"} <= {c.label for more in pages for c in more.choices}


def test_a_wish_is_answered_and_the_answer_reaches_the_resident(dialogs, resident, organizer):
    kinds = resident.say("意见反馈")
    for line in ("1. 课程需求", "2. 场馆", "3. 服务", "4. 投诉", "5. 其他"):
        assert line in kinds
    assert "想学什么课" in resident.say("1")
    assert "收到您的反馈" in resident.say("希望周末开书法班")
    [item] = saved(dialogs)
    assert (item.category, item.text, item.status) == ("course", "希望周末开书法班", "new")

    assert "1. [课程需求] 希望周末开书法班" in organizer.say("/feedback")
    assert "希望周末开书法班" in organizer.say("1")
    assert "回复" in organizer.say("1")           # 回复并标记已处理
    assert "已回复" in organizer.say("下个月文化馆开周末书法班，欢迎报名")
    [(kind, push)] = deliver_due(dialogs, "li")
    assert kind == "feedback" and "希望周末开书法班" in push.text and "周末书法班" in push.text
    assert "没有待处理" in organizer.say("/feedback")
    with dialogs.db.session() as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "feedback.handle")).one()


def test_too_long_is_asked_again_and_saves_nothing(dialogs, resident):
    resident.say("反馈")
    resident.say("2")                             # 场馆
    answer = resident.say("太" * 320)
    assert "320 个字" in answer and "300 字以内" in answer
    assert saved(dialogs) == []
    assert "收到您的反馈" in resident.say("活动室的空调坏了")
    assert [f.category for f in saved(dialogs)] == ["venue"]


def test_text_long_after_choosing_a_kind_is_a_search(dialogs, resident):
    resident.say("建议")
    resident.say("1")
    dialogs.clock.advance(hours=3)
    assert "零基础毛笔书法" in resident.say("书法")
    assert saved(dialogs) == []


def test_a_reply_typed_long_after_is_a_search_and_closes_nothing(dialogs, resident, organizer):
    resident.say("建议")
    resident.say("1")
    resident.say("希望周末开书法班")
    organizer.say("/feedback")
    organizer.say("1")
    assert "回复" in organizer.say("1")
    dialogs.clock.advance(hours=1, minutes=1)
    assert "零基础毛笔书法" in organizer.say("书法")
    assert [f.status for f in saved(dialogs)] == ["new"]


def test_a_resident_cannot_see_or_answer_feedback(dialogs, resident):
    assert "只对工作人员开放" in resident.say("/feedback")
    with dialogs.db.session() as s:
        refused = s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).one()
        assert refused.target == "feedback.list"
