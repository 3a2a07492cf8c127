"""Pushes to 公众号 followers keep the 48-hour rule: 客服消息 inside, a template outside, else held."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlmodel import select

from bot.cli.outbox import print_outbox
from bot.messages import Choice, Reply
from store.models import OutboxMessage
from store.models.outbox import HELD, SENT
from store.outbox import enqueue
from store.people import find_account
from tests.fakes.wechat_stack import wechat_stack

OPENID = "oWx_wangwu_00000000000000001"
REMINDER = Reply("上课提醒：明天 09:00【零基础毛笔书法】\n地点：和平街道文化站", (Choice("请假", "lv:1"),))


def push(db, clock, kind: str, reply: Reply = REMINDER, key: str = "test:push") -> None:
    with db.session() as s:
        account = find_account(s, "wechat", OPENID)
        enqueue(s, idem_key=key, kind=kind, payload=reply.to_dict(), due_at=clock.now(),
                account_id=account.id, urgent=True)


def rows(db) -> list[OutboxMessage]:
    """The pushes in the outbox (replies to turns are outbox rows too, left out here)."""
    with db.session() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind != "reply")
                           .order_by(OutboxMessage.id)))


async def test_inside_the_window_a_reminder_goes_as_custom_message(dialogs, settings, clock):
    async with wechat_stack(dialogs, settings) as stack:
        await stack.event(stack.callbacks.subscribe(OPENID))
        clock.advance(hours=47)
        push(dialogs.db, clock, "reminder")
        assert (await stack.service.worker.drain()).sent == 1
        assert stack.fake.texts(OPENID) == ["上课提醒：明天 09:00【零基础毛笔书法】\n地点：和平街道文化站\n\n1. 请假"]
        assert not stack.fake.template_sent


async def test_three_days_later_a_reminder_goes_as_template_message(dialogs, settings, clock):
    async with wechat_stack(dialogs, settings) as stack:
        await stack.event(stack.callbacks.subscribe(OPENID))
        clock.advance(days=3)
        push(dialogs.db, clock, "reminder")
        assert (await stack.service.worker.drain()).sent == 1
        assert stack.fake.texts(OPENID) == []
        [sent] = stack.fake.template_sent[OPENID]
        assert sent["template_id"] == "tpl-reminder" and sent["url"] == settings.web.public_url.rstrip("/") + "/?from=wechat"
        assert sent["data"]["first"]["value"] == "上课提醒：明天 09:00【零基础毛笔书法】"
        assert "和平街道文化站" in sent["data"]["keyword1"]["value"]


async def test_the_platform_saying_the_window_closed_also_falls_back_to_a_template(dialogs, settings, clock):
    async with wechat_stack(dialogs, settings) as stack:
        await stack.event(stack.callbacks.subscribe(OPENID))
        stack.fake.fail_next["message/custom/send"] = [45015]
        push(dialogs.db, clock, "poll", Reply("请为今天的课打分"))
        assert (await stack.service.worker.drain()).sent == 1
        assert [m["template_id"] for m in stack.fake.template_sent[OPENID]] == ["tpl-poll"]


async def test_a_push_without_template_waits_for_the_next_message_and_is_listed(dialogs, settings, clock):
    async with wechat_stack(dialogs, settings, template_notice="") as stack:
        await stack.event(stack.callbacks.subscribe(OPENID))
        clock.advance(days=3)
        push(dialogs.db, clock, "notice", Reply("社区通知：周六停水。"))
        result = await stack.service.worker.drain()
        assert result.held == 1 and result.sent == 0
        [row] = rows(dialogs.db)
        assert row.status == HELD and "48-hour" in row.last_error
        listing = io.StringIO()
        print_outbox(dialogs.db, False, listing, timezone_name="Asia/Shanghai")
        assert "held" in listing.getvalue() and "notice" in listing.getvalue()
        clock.advance(days=5)
        assert (await stack.service.worker.drain()).claimed == 0  # still held, not dropped
        await stack.say(OPENID, "你好")
        assert (await stack.service.worker.drain()).sent == 1
        assert rows(dialogs.db)[0].status == SENT
        assert "社区通知：周六停水。" in stack.fake.texts(OPENID)
