"""The outbox sender of the WeCom channel: one reply to one member, errors sorted for retrying."""
from __future__ import annotations

from bot.messages import Reply
from bot.handlers.wecom.client import WecomApi, WecomApiError
from bot.handlers.wecom.render import send_reply
from bot.handlers.wechatpy_base import error_kind as shared_error_kind
from scheduler.senders import SendError

# 45009 API frequency limit, 45033 concurrency limit, -1 WeCom busy; token errors that survived
# one refresh are passing trouble too.
RETRY_CODES = {-1, 45009, 45033, 40014, 42001}
# The member does not exist, left, or is outside the application's visible range.
UNREACHABLE_CODES = {60011, 60111, 81013, 82001}
RATE_LIMIT_PAUSE = 60.0


def error_kind(error: WecomApiError) -> str:
    """RETRY, UNREACHABLE or FATAL for a failed call."""
    return shared_error_kind(error, RETRY_CODES, UNREACHABLE_CODES)


class WecomSender:
    """Sends outbox replies as WeCom application messages (text, and a card when choices fit)."""

    channel = "wecom"

    def __init__(self, api: WecomApi, lang: str = "zh", cards: bool = True):
        self.api = api
        self.lang = lang
        self.cards = cards

    async def send(self, external_id: str, reply: Reply) -> None:
        """Deliver one reply to a WeCom userid; raises SendError when it cannot."""
        try:
            await send_reply(self.api, external_id, reply, self.lang, self.cards)
        except WecomApiError as exc:
            kind = error_kind(exc)
            pause = RATE_LIMIT_PAUSE if exc.code in (45009, 45033) else None
            raise SendError(kind, str(exc), retry_after=pause) from None
