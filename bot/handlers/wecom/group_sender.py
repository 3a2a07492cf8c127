"""The outbox sender of WeCom group chats (appchat): one notice to one group, errors sorted."""
from __future__ import annotations

from bot.messages import Reply
from bot.handlers.wecom.client import WecomApi, WecomApiError
from bot.handlers.wecom.groups import send_to_group
from bot.handlers.wecom.render import reply_text
from scheduler.senders import UNREACHABLE, SendError
from bot.handlers.wecom.sender import RATE_LIMIT_PAUSE, error_kind

# The chat id is not valid, the chat does not exist, or another application made it.
GONE_CODES = {86001, 86003, 86008}


class WecomGroupSender:
    """Sends outbox replies as text to WeCom application group chats (channel "wecom_group")."""

    channel = "wecom_group"

    def __init__(self, api: WecomApi, lang: str = "zh"):
        self.api = api
        self.lang = lang

    async def send(self, external_id: str, reply: Reply) -> None:
        """Post one reply to a group chat by its chat id; raises SendError when it cannot."""
        try:
            await send_to_group(self.api, external_id, reply_text(reply, self.lang))
        except WecomApiError as exc:
            kind = UNREACHABLE if exc.code in GONE_CODES else error_kind(exc)
            pause = RATE_LIMIT_PAUSE if exc.code in (45009, 45033) else None
            raise SendError(kind, str(exc), retry_after=pause) from None
