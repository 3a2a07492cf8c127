"""What the outbox needs from a channel: a sender that delivers one reply to one account."""
from __future__ import annotations

from typing import Protocol

from bot.messages import Reply

RETRY = "retry"              # try again later (429, 5xx, timeouts)
UNREACHABLE = "unreachable"  # the person blocked the bot or left: stop trying this account
FATAL = "fatal"              # the message itself is bad: retrying will not help
HOLD = "hold"                # the channel may not send it now (WeChat's 48-hour window):
                             # kept until the recipient writes again


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


class KindSender(Sender, Protocol):
    """A sender whose way of delivering depends on the kind of push (reminder, poll, notice …).

    The tick calls send_push instead of send on a sender that has it."""

    async def send_push(self, external_id: str, reply: Reply, kind: str) -> None:
        """Deliver one push of the given outbox kind to one channel account."""


class KeyedSender(Sender, Protocol):
    """A sender that keeps its own record of each push (a WeCom 群发 task), found by the row's key.

    The tick calls send_keyed instead of send on a sender that has it; a row sent again after a
    worker died must find its record and not act twice."""

    async def send_keyed(self, idem_key: str, external_id: str, reply: Reply) -> None:
        """Deliver the push of the outbox row with this idem_key to one channel account."""
