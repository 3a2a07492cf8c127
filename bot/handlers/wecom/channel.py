"""The WeCom channel as the service builds it: the callback route and senders to members and groups."""
from __future__ import annotations

import logging

from bot.dialogs.engine import Dialogs
from bot.handlers.channel import Channel, ChannelParts
from bot.handlers.inbox import Inbox
from bot.handlers.wecom.callback import setup_wecom_routes
from bot.handlers.wecom.client import build_api
from bot.handlers.wecom.group_sender import WecomGroupSender
from bot.handlers.wecom.kf import KF, KfInbox, KfLine, KfSender
from bot.handlers.wecom.sender import WecomSender
from bot.settings import Settings
from store.groups import WECOM_GROUP

log = logging.getLogger("linli.wecom")

MEMBER = "wecom"


def build_wecom(dialogs: Dialogs, settings: Settings) -> ChannelParts | None:
    """WeCom when a corp id is set: members, group chats, and WeChat users through 微信客服."""
    if not settings.wecom.corp_id:
        log.info("wecom off (no corp_id)")
        return None
    api = build_api(settings.wecom, dialogs.db)
    lang = settings.general.language
    kf = KfLine(api, dialogs.db, settings, dialogs.clock)
    inbox = Inbox(dialogs, MEMBER)  # callbacks, stored before WeCom is answered
    return ChannelParts(
        "wecom",
        senders={MEMBER: WecomSender(api, lang), WECOM_GROUP: WecomGroupSender(api, lang),
                 KF: KfSender(kf)},
        routes=[lambda app: setup_wecom_routes(app, dialogs, settings, api,
                                               kf=KfInbox(dialogs, kf), inbox=inbox)],
        inboxes=[inbox])


CHANNEL = Channel("wecom", (MEMBER, WECOM_GROUP, KF), build_wecom)
