"""What the outbox needs from a channel: a sender that delivers one reply to one account."""
from __future__ import annotations

from typing import Protocol

from bot.messages import Reply

RETRY = "retry"              # try again later (429, 5xx, timeouts)
UNREACHABLE = "unreachable"  # the person blocked the bot or left: stop trying this account
FATAL = "fatal"              # the message itself is bad: retrying will not help


class SendError(Exception):
    """A delivery that did not happen, and what to do about it."""

    def __init__(self, kind: str, message: str = "", retry_after: float | None = None):
        super().__init__(message or kind)
        self.kind = kind
        self.retry_after = retry_after


class Sender(Protocol):
    """Delivers replies on one channel; raises SendError when it cannot."""

    channel: str

    async def send(self, external_id: str, reply: Reply) -> None:
        """Deliver one reply to one channel account (a chat id, a userid …)."""
