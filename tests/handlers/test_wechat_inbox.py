"""公众号 callbacks are stored before WeChat gets its answer; what fails after is answered from the row,
and the service's sweep (the composition root's periodic job) takes over what a dead worker left."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.app import inbox_sweep_job
from bot.dialogs.engine import Dialogs
from bot.handlers.wechat.inbound import job_for
from store.inbox import keep_update
from store.models import InboundUpdate
from store.models.inbox import DONE
from tests.fakes.wechat_stack import wechat_stack
from tests.support.outage import Outage

OPENID = "oWx_resident_0000000000001"


@pytest.fixture
def quick(sqlite_db, settings, clock):
    """Dialogs whose inbox retries after 50 ms and holds an update for 5 s."""
    inbox = settings.inbox.model_copy(update={"retry_seconds": 0.05, "lease_seconds": 5.0})
    return Dialogs(sqlite_db, settings.model_copy(update={"inbox": inbox}), clock)


def statuses(db) -> list[str]:
    with db.session() as s:
        return [row.status for row in s.exec(select(InboundUpdate).where(InboundUpdate.channel == "wechat"))]


async def test_a_message_the_database_cannot_take_gets_503_and_its_resend_is_answered(quick, settings):
    outage = Outage(quick.db)
    async with wechat_stack(quick, settings) as stack:
        cb = stack.callbacks
        params, body = cb.seal(cb.text_xml(OPENID, "书法"))
        outage.fail()
        refused = await cb.post_raw(params, body)
        assert refused.status == 503 and not refused.reply  # WeChat sends it again
        outage.end()
        again = await cb.post_raw(params, body)
        await stack.channel.drain()
        assert again.status == 200 and again.reply  # answered in the HTTP response
    assert statuses(quick.db) == [DONE]


async def test_a_turn_that_fails_is_answered_later_as_a_customer_message(quick, settings):
    outage = Outage(quick.db)
    async with wechat_stack(quick, settings) as stack:
        outage.fail(touching="dialog_state", times=2)  # stored; the turn fails twice
        posted = await stack.say(OPENID, "书法")
        assert posted.status == 200 and posted.body == "success"
        assert outage.failed == 2
        texts = stack.fake.texts(OPENID)
    assert len(texts) == 1 and "系统繁忙" not in texts[0]
    assert statuses(quick.db) == [DONE]


async def test_the_services_sweep_answers_what_a_dead_worker_stored(quick, settings, clock):
    async with wechat_stack(quick, settings) as stack:
        xml = stack.callbacks.text_xml(OPENID, "书法")
        with quick.db.session() as s:  # stored by a worker that died before handling it
            keep_update(s, "wechat", job_for(xml).update_key, {"xml": xml},
                        clock.now() - timedelta(seconds=60), "gone-worker", clock.now() - timedelta(seconds=30))
        assert await inbox_sweep_job(stack.service)() == 1
        await stack.channel.drain()
        assert len(stack.fake.texts(OPENID)) == 1
    assert statuses(quick.db) == [DONE]
