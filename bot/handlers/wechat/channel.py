"""The 公众号 channel as the service builds it: the callback route and the outbox sender to followers."""
from __future__ import annotations

import logging

from bot.dialogs.engine import Dialogs
from bot.handlers.channel import Channel, ChannelParts
from bot.handlers.inbox import Inbox
from bot.settings import Settings

log = logging.getLogger("linli.wechat")

FOLLOWER = "wechat"


def build_wechat(dialogs: Dialogs, settings: Settings) -> ChannelParts | None:
    """The 公众号 when an app id is set: messages from followers, pushes to them."""
    if not settings.wechat.app_id:
        log.info("wechat off (no app_id)")
        return None
    # wechatpy is loaded only by a worker that runs the 公众号.
    from bot.handlers.wechat.callback import setup_wechat_routes
    from bot.handlers.wechat.client import build_api
    from bot.handlers.wechat.sender import WechatSender

    api = build_api(settings.wechat, dialogs.db)
    inbox = Inbox(dialogs, FOLLOWER)  # callbacks, stored before WeChat is answered
    return ChannelParts(
        "wechat",
        senders={FOLLOWER: WechatSender(api, dialogs.db, settings, dialogs.clock)},
        routes=[lambda app: setup_wechat_routes(app, dialogs, settings, api, inbox=inbox)],
        inboxes=[inbox])


CHANNEL = Channel("wechat", (FOLLOWER,), build_wechat)
