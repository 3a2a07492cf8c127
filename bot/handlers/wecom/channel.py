"""The WeCom channel as the service builds it: the callback route, senders to members, group chats,
微信客服 and customer groups (群发 tasks), and the watch over those tasks' outcomes."""
from __future__ import annotations

import logging

from bot.dialogs.engine import Dialogs
from bot.handlers.channel import Channel, ChannelParts
from bot.handlers.inbox import Inbox
from bot.settings import Settings
from store.customer_groups import TASK_TARGET
from store.groups import WECOM_GROUP

log = logging.getLogger("linli.wecom")

MEMBER = "wecom"
KF = "wecom_kf"  # bot.handlers.wecom.kf.KF, named here so wechatpy loads only when WeCom is on; the
                 # registry refuses to start a channel whose senders miss one of its targets


def build_wecom(dialogs: Dialogs, settings: Settings) -> ChannelParts | None:
    """WeCom when a corp id is set: members, group chats, and WeChat users through 微信客服."""
    if not settings.wecom.corp_id:
        log.info("wecom off (no corp_id)")
        return None
    from bot.handlers.wecom.callback import setup_wecom_routes
    from bot.handlers.wecom.client import build_api
    from bot.handlers.wecom.customer_groups import CustomerGroupSender, TaskWatch
    from bot.handlers.wecom.group_sender import WecomGroupSender
    from bot.handlers.wecom.kf import KF as KF_SENT, KfInbox, KfLine, KfSender
    from bot.handlers.wecom.sender import WecomSender

    api = build_api(settings.wecom, dialogs.db)
    lang = settings.general.language
    kf = KfLine(api, dialogs.db, settings, dialogs.clock)
    watch = TaskWatch(api, dialogs.db, dialogs.clock, settings.wecom.group_task_check_seconds)
    inbox = Inbox(dialogs, MEMBER)  # callbacks, stored before WeCom is answered
    return ChannelParts(
        "wecom",
        senders={MEMBER: WecomSender(api, lang), WECOM_GROUP: WecomGroupSender(api, lang),
                 KF_SENT: KfSender(kf), TASK_TARGET: CustomerGroupSender(api, dialogs.db, dialogs.clock, lang)},
        routes=[lambda app: setup_wecom_routes(app, dialogs, settings, api,
                                               kf=KfInbox(dialogs, kf), inbox=inbox)],
        start=watch.start, stop=watch.stop, inboxes=[inbox])


CHANNEL = Channel("wecom", (MEMBER, WECOM_GROUP, KF, TASK_TARGET), build_wecom)
