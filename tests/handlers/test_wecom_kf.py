"""WeChat users through WeCom 微信客服: the same answers, pulled by cursor, within WeCom's 5-message rule."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.app import build_worker
from bot.handlers.wecom.kf import KF, KfLine, KfSender, customer_id
from bot.messages import Reply
from bot.texts import t
from store.models import Enrolment, OutboxMessage, WecomKfCursor
from store.models.outbox import SENT
from store.outbox import enqueue
from store.people import find_account
from tests.conftest import START
from tests.fakes.wecom_stack import wecom_stack
from tests.support.catalog import add_course
from tests.support.choices import REPLY_WITH, number_of

KF_ID = "wkFakeKfAccount0001"
USER = "wmCustomer000000001"


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(days=2),
               teacher="林秀兰老师")
    return sqlite_db


async def write(stack, text: str | None, user: str = USER) -> str:
    """The customer writes; returns our newest answer once everything is out."""
    token = stack.fake.customer_writes(KF_ID, user, text)
    posted = await stack.callbacks.post(stack.callbacks.kf_event_xml(token, KF_ID))
    assert posted.status == 200 and posted.body == ""
    await stack.channel.drain()
    return (stack.fake.kf_texts(user) or [""])[-1]


async def test_a_wechat_user_signs_up_through_the_customer_service_account(dialogs, settings, catalogue):
    async with wecom_stack(dialogs, settings) as stack:
        assert "欢迎" in await write(stack, "你好")
        found = await write(stack, "书法")
        page = await write(stack, number_of(found, "零基础毛笔书法", REPLY_WITH))
        assert "讲师：林秀兰老师" in page
        confirm = await write(stack, number_of(page, "报名", REPLY_WITH))
        assert "报名成功" in await write(stack, number_of(confirm, "确认报名", REPLY_WITH))
        with catalogue.session() as s:
            assert [e.status for e in s.exec(select(Enrolment))] == ["confirmed"]
        picture = await write(stack, None)  # answered with the choices of the screen it came on
        assert picture.startswith(t("text_only")) and "我的报名" in picture


async def test_pages_replays_and_a_lost_cursor_neither_lose_nor_repeat_a_message(dialogs, settings, catalogue):
    async with wecom_stack(dialogs, settings) as stack:
        stack.fake.kf_page_size = 1
        stack.fake.customer_writes(KF_ID, USER, "你好")
        stack.fake.customer_writes(KF_ID, USER, "书法")
        token = stack.fake.customer_writes(KF_ID, USER, "我的报名")
        await stack.callbacks.post(stack.callbacks.kf_event_xml(token, KF_ID))
        await stack.channel.drain()
        assert len(stack.fake.kf_texts(USER)) == 3 and stack.fake.kf_syncs == 3
        with catalogue.session() as s:
            assert s.get(WecomKfCursor, KF_ID).cursor == "3"
            # As if the cursor had never been saved (a worker died after answering).
            s.execute(update(WecomKfCursor).values(cursor=""))
        await stack.callbacks.post(stack.callbacks.kf_event_xml(token, KF_ID))
        await stack.channel.drain()
        assert len(stack.fake.kf_texts(USER)) == 3  # read again, answered once


async def test_pushes_beyond_five_wait_for_the_customers_next_message(dialogs, settings, catalogue, clock):
    async with wecom_stack(dialogs, settings) as stack:
        await write(stack, "你好")  # one of the five used
        external = customer_id(KF_ID, USER)
        with catalogue.session() as s:
            account = find_account(s, KF, external)
            for n in range(5):
                enqueue(s, idem_key=f"test:{n}", kind="notice", payload=Reply(f"通知 {n}").to_dict(),
                        due_at=clock.now(), account_id=account.id, urgent=True)
        worker = build_worker(dialogs.db, stack.settings,
                              {KF: KfSender(KfLine(stack.api, dialogs.db, stack.settings, clock))})
        result = await worker.drain()
        assert (result.sent, result.held) == (4, 1)
        assert len(stack.fake.kf_texts(USER)) == 5
        await write(stack, "我的报名")
        result = await worker.drain()
        assert result.sent == 1
        with catalogue.session() as s:
            assert {row.status for row in s.exec(select(OutboxMessage))} == {SENT}
        notices = sorted(text for text in stack.fake.kf_texts(USER) if text.startswith("通知"))
        assert notices == [f"通知 {n}" for n in range(5)]  # each once, none lost
