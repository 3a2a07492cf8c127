"""The outbox sender of the 公众号, with WeChat's 48-hour rule.

Within 48 hours of the follower's last message a push goes as 客服消息 (free text). After that
only a 模板消息 may go, and only for kinds that have a template in the settings; anything else
is held (status "held" in `linli outbox`) until the follower writes again.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.handlers.wechat.client import WechatApi, WechatApiError
from bot.handlers.wechat.menu import page_link
from bot.handlers.wechat.render import template_data, text_parts
from bot.handlers.wechat.window import last_inbound_of
from bot.messages import Reply
from bot.settings import Settings
from bot.handlers.wechatpy_base import error_kind as shared_error_kind
from scheduler.senders import HOLD, SendError
from store.db import Database

# Outbox kinds each template setting covers: 课程提醒, 报名结果, 评价邀请, 通知.
TEMPLATE_KINDS = {
    "template_reminder": ("reminder", "booking_reminder"),
    "template_result": ("promotion", "draw_winner", "vote_results", "volunteer", "order"),
    "template_poll": ("poll", "order_poll"),
    "template_notice": ("notice", "booking_pause", "feedback", "points", "redemption"),
}
# 45015: the reply window has passed; 45047: too many 客服消息 since the follower's last message.
WINDOW_CLOSED_CODES = {45015, 45047}
# -1 busy, 45009 API frequency limit, 45011 too frequent; token errors that survived one refresh.
RETRY_CODES = {-1, 45009, 45011, 40014, 42001}
# 43004 not following, 40003 not an openid of this 公众号, 43019 the follower blocked us.
UNREACHABLE_CODES = {43004, 40003, 43019}
HELD_NOTE = "outside WeChat's 48-hour window and no template for this kind: waits for the next message"


def error_kind(error: WechatApiError) -> str:
    """RETRY, UNREACHABLE or FATAL for a failed call."""
    return shared_error_kind(error, RETRY_CODES, UNREACHABLE_CODES)


def as_send_error(error: WechatApiError) -> SendError:
    """The outbox's view of a failed call."""
    pause = 60.0 if error.code in (45009, 45011) else None
    return SendError(error_kind(error), str(error), retry_after=pause)


async def send_texts(api: WechatApi, openid: str, parts: list[str]) -> None:
    """Send text parts as 客服消息, in order."""
    for part in parts:
        await api.send_text(openid, part)


class WechatSender:
    """Sends outbox pushes to followers: 客服消息 inside the window, a template outside it, else held."""

    channel = "wechat"

    def __init__(self, api: WechatApi, db: Database, settings: Settings, clock):
        self.api = api
        self.db = db
        self.settings = settings
        self.clock = clock
        self.window = timedelta(hours=settings.wechat.window_hours)

    def template_for(self, kind: str) -> str:
        """The template id configured for an outbox kind, or ""."""
        for setting, kinds in TEMPLATE_KINDS.items():
            if kind in kinds:
                return getattr(self.settings.wechat, setting)
        return ""

    async def send(self, external_id: str, reply: Reply) -> None:
        """Deliver a reply owed to a turn (always inside the window the turn opened)."""
        await self.send_push(external_id, reply, "reply")

    async def send_push(self, external_id: str, reply: Reply, kind: str) -> None:
        """Deliver one push to an openid; raises SendError (HOLD when it must wait)."""
        now = self.clock.now()
        last = await asyncio.to_thread(last_inbound_of, self.db, external_id)
        if last is not None and now - last < self.window:
            try:
                await send_texts(self.api, external_id, text_parts([reply]))
                return
            except WechatApiError as exc:
                if exc.code not in WINDOW_CLOSED_CODES:
                    raise as_send_error(exc) from None
        template = self.template_for(kind)
        if not template:
            raise SendError(HOLD, HELD_NOTE)
        general = self.settings.general
        data = template_data(reply, now, general.timezone, general.language)
        try:
            await self.api.send_template(external_id, template, data,
                                          url=page_link(self.settings.web.public_url))
        except WechatApiError as exc:
            raise as_send_error(exc) from None
