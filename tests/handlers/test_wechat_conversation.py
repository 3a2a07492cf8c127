"""A resident on the 公众号: follows, searches, signs up by typed numbers, taps the menu, scans a poster."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.handlers.wechat.render import TEXT_BYTES_MAX, text_parts
from bot.messages import Choice, Reply
from store.models import Enrolment, OutboxMessage
from tests.support.waiting import wait_until
from tests.conftest import START
from tests.fakes.wechat_stack import wechat_stack
from tests.support.catalog import add_course
from tests.support.choices import number_of

OPENID = "oWx_liuyi_000000000000000001"


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=2,
               first_start=START + timedelta(days=1, hours=1), teacher="林秀兰老师",
               venue="和平街道文化站", address="和平街道幸福路 88 号")
    return sqlite_db


def enrolments(db) -> list[Enrolment]:
    with db.session() as s:
        return list(s.exec(select(Enrolment)))


async def test_follow_search_and_sign_up_by_typed_numbers(dialogs, settings, catalogue):
    async with wechat_stack(dialogs, settings) as stack:
        greeting = (await stack.event(stack.callbacks.subscribe(OPENID))).reply
        assert "欢迎" in greeting and "1. 服务菜单" in greeting
        found = (await stack.say(OPENID, "书法")).reply
        assert "零基础毛笔书法" in found
        page = (await stack.say(OPENID, number_of(found, "零基础毛笔书法"))).reply
        assert "讲师：林秀兰老师" in page and "还剩 2 个名额（共 2 个）" in page
        confirm = (await stack.say(OPENID, number_of(page, "报名"))).reply
        assert "确认报名【零基础毛笔书法】" in confirm
        done = (await stack.say(OPENID, number_of(confirm, "确认报名"))).reply
        assert "报名成功" in done and "和平街道幸福路 88 号" in done
        assert [e.status for e in enrolments(catalogue)] == ["confirmed"]
        assert stack.fake.custom == {}  # every answer came in the HTTP response


async def test_menu_taps_answer_like_typed_words(dialogs, settings, catalogue):
    async with wechat_stack(dialogs, settings) as stack:
        await stack.event(stack.callbacks.subscribe(OPENID))
        tapped = (await stack.event(stack.callbacks.click(OPENID, "我的报名"))).reply
        typed = (await stack.say(OPENID, "我的报名")).reply
        assert tapped and tapped == typed


async def test_a_poster_scan_opens_the_course_for_new_and_old_followers(dialogs, settings, catalogue):
    async with wechat_stack(dialogs, settings) as stack:
        first = (await stack.event(stack.callbacks.subscribe(OPENID, scene="course-WH-SF-01"))).reply
        assert "零基础毛笔书法" in first and "讲师：林秀兰老师" in first
        other = "oWx_chener_00000000000000002"
        await stack.event(stack.callbacks.subscribe(other))
        scanned = (await stack.event(stack.callbacks.scan(other, "course-WH-SF-01"))).reply
        assert "讲师：林秀兰老师" in scanned


async def test_a_slow_turn_is_answered_by_custom_message(dialogs, settings, catalogue):
    async with wechat_stack(dialogs, settings, reply_budget_seconds=0.0) as stack:
        posted = await stack.event(stack.callbacks.subscribe(OPENID))
        assert posted.body == "success"
        await stack.fake.wait_until(lambda: stack.fake.texts(OPENID))
        assert "欢迎" in stack.fake.texts(OPENID)[0]


async def test_a_late_reply_that_cannot_be_sent_waits_in_the_outbox(dialogs, settings, catalogue):
    async with wechat_stack(dialogs, settings, reply_budget_seconds=0.0) as stack:
        stack.fake.fail_next["message/custom/send"] = [-1]
        await stack.event(stack.callbacks.subscribe(OPENID))
        assert stack.fake.texts(OPENID) == []
        def rows():
            with dialogs.db.session() as s:
                return [(row.kind, row.status) for row in s.exec(select(OutboxMessage))]

        await wait_until(lambda: rows() == [("reply", "failed")])  # written with the turn, left for the tick
        with dialogs.db.session() as s:
            row = s.exec(select(OutboxMessage)).one()
            row.due_at = dialogs.clock.now()  # due now, not after the backoff
        result = await stack.service.worker.drain()
        assert result.sent == 1 and "欢迎" in stack.fake.texts(OPENID)[0]


def test_long_text_is_cut_within_wechats_byte_limit():
    reply = Reply("书法课介绍。" * 700, (Choice("报名", "su:X"), Choice("返回", "menu")))
    parts = text_parts([reply])
    assert len(parts) > 1 and all(len(p.encode("utf-8")) <= TEXT_BYTES_MAX for p in parts)
    assert parts[-1].endswith("2. 返回")
