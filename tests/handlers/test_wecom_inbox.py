"""WeCom callbacks are stored before the 200: a message the database cannot take is refused (WeCom
sends it again), and one whose handling fails after the 200 is answered from its row."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.handlers.wecom.callback import job_for
from bot.texts import t
from store.inbox import keep_update
from store.models import InboundUpdate
from store.models.inbox import DONE, PENDING
from tests.fakes.wecom_stack import wecom_stack
from tests.support.outage import Outage


@pytest.fixture
def quick(sqlite_db, settings, clock):
    """Dialogs whose inbox retries after 50 ms and holds an update for 5 s."""
    inbox = settings.inbox.model_copy(update={"retry_seconds": 0.05, "lease_seconds": 5.0})
    return Dialogs(sqlite_db, settings.model_copy(update={"inbox": inbox}), clock)


def rows(db) -> list[InboundUpdate]:
    with db.session() as s:
        return list(s.exec(select(InboundUpdate).where(InboundUpdate.channel == "wecom")))


async def test_a_message_is_stored_answered_and_its_row_marked_done(quick, settings):
    async with wecom_stack(quick, settings) as stack:
        posted = await stack.say("zhangsan", "你好")
        assert posted.status == 200
        assert len(stack.fake.texts("zhangsan")) == 1
    [row] = rows(quick.db)
    assert row.status == DONE and row.done_at is not None
    assert row.update_key.startswith("msg:") and "你好" in row.payload  # the decrypted message


async def test_a_message_the_database_cannot_take_gets_503_and_is_answered_when_sent_again(quick, settings):
    outage = Outage(quick.db)
    async with wecom_stack(quick, settings) as stack:
        outage.fail()  # the database is away
        refused = await stack.say("zhangsan", "你好")
        assert refused.status == 503  # WeCom sends it again
        assert stack.fake.texts("zhangsan") == []
        outage.end()
        again = await stack.callbacks.post_raw(refused.params, refused.envelope)  # WeCom's retry
        await stack.channel.drain()
        assert again.status == 200
        assert len(stack.fake.texts("zhangsan")) == 1
    assert [row.status for row in rows(quick.db)] == [DONE]


async def test_a_turn_that_fails_after_the_200_is_tried_again_from_its_row(quick, settings):
    outage = Outage(quick.db)
    async with wecom_stack(quick, settings) as stack:
        outage.fail(touching="dialog_state", times=2)  # stored, then the turn fails twice
        posted = await stack.say("zhangsan", "你好")
        assert posted.status == 200
        assert outage.failed == 2
        texts = stack.fake.texts("zhangsan")
    assert len(texts) == 1 and "系统繁忙" not in texts[0]  # answered once, properly
    assert [row.status for row in rows(quick.db)] == [DONE]


async def test_a_message_left_by_a_worker_that_died_is_answered_by_the_sweep(quick, settings, clock):
    async with wecom_stack(quick, settings) as stack:
        xml = stack.callbacks.text_xml("lisi", "服务菜单")
        with quick.db.session() as s:  # stored by another worker, which then died
            keep_update(s, "wecom", job_for(xml).inbox_key, {"xml": xml}, clock.now() - timedelta(seconds=60),
                        "gone-worker", clock.now() - timedelta(seconds=30))
        assert await stack.channel.inbox.sweep() == 1
        await stack.channel.drain()
        assert len(stack.fake.texts("lisi")) == 1
        assert await stack.channel.inbox.sweep() == 0  # done: nobody takes it again
    [row] = rows(quick.db)
    assert row.status == DONE and row.attempts == 1


async def test_a_message_still_held_by_its_worker_is_not_taken_over(quick, settings, clock):
    async with wecom_stack(quick, settings) as stack:
        xml = stack.callbacks.text_xml("lisi", "服务菜单")
        with quick.db.session() as s:
            keep_update(s, "wecom", job_for(xml).inbox_key, {"xml": xml}, clock.now(), "busy-worker",
                        clock.now() + timedelta(seconds=30))
        assert await stack.channel.inbox.sweep() == 0
        assert stack.fake.texts("lisi") == []
    assert [row.status for row in rows(quick.db)] == [PENDING]


async def test_the_last_attempt_answers_busy_instead_of_failing_again(quick, settings, clock):
    outage = Outage(quick.db)
    async with wecom_stack(quick, settings) as stack:
        xml = stack.callbacks.text_xml("wangwu", "服务菜单")
        with quick.db.session() as s:  # taken over and failed four times already
            keep_update(s, "wecom", job_for(xml).inbox_key, {"xml": xml},
                        clock.now() - timedelta(minutes=5), "gone-worker", clock.now() - timedelta(seconds=30))
            s.get(InboundUpdate, ("wecom", job_for(xml).inbox_key)).attempts = quick.settings.inbox.max_attempts - 1
        outage.fail(touching="dialog_state")  # and the turn still fails
        assert await stack.channel.inbox.sweep() == 1
        await stack.channel.drain()
        outage.end()
        assert stack.fake.texts("wangwu") == [t("busy", "zh")]  # answered, not swept forever
    [row] = rows(quick.db)
    assert row.status == DONE and row.attempts == quick.settings.inbox.max_attempts
