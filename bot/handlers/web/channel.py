"""The web chat as the service builds it: the page and its API, and pushes kept for the page to fetch."""
from __future__ import annotations

from bot.dialogs.engine import Dialogs
from bot.handlers.channel import Channel, ChannelParts
from bot.handlers.web.chat_routes import setup_webchat_routes
from bot.handlers.web.sender import WebSender
from bot.settings import Settings

WEB = "web"


def build_web(dialogs: Dialogs, settings: Settings) -> ChannelParts:
    """Always on: a resident who arrives from a link or a poster needs nothing installed."""
    return ChannelParts(WEB, senders={WEB: WebSender(dialogs.db)},
                        routes=[lambda app: setup_webchat_routes(app, dialogs, settings)])


CHANNEL = Channel(WEB, (WEB,), build_web)
