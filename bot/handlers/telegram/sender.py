"""The outbox's Telegram sender: one Reply to one chat, Bot API errors mapped to SendError kinds."""
from __future__ import annotations

from telegram.error import (BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError,
                            RetryAfter, TelegramError)

from bot.messages import Reply
from bot.handlers.telegram.lean_bot import LeanBot
from bot.handlers.telegram.limits import retry_after_seconds
from bot.handlers.telegram.render import send_reply
from scheduler.senders import FATAL, RETRY, UNREACHABLE, SendError

# BadRequest texts that mean the chat is gone, not that the message is wrong.
GONE = ("chat not found", "user not found", "peer_id_invalid", "bot was kicked", "chat_write_forbidden")


def chat_id_of(external_id: str) -> int | str:
    """A Telegram chat id as the API wants it: a number, or an @channel name."""
    try:
        return int(external_id)
    except ValueError:
        return external_id


def classify(exc: TelegramError) -> SendError:
    """The outbox's view of a Bot API error."""
    message = str(exc)[:300]
    if isinstance(exc, RetryAfter):
        return SendError(RETRY, message, retry_after=retry_after_seconds(exc))
    if isinstance(exc, Forbidden):  # blocked by the user, kicked from the group
        return SendError(UNREACHABLE, message)
    if isinstance(exc, BadRequest):  # a subclass of NetworkError: test it first
        gone = any(text in message.lower() for text in GONE)
        return SendError(UNREACHABLE if gone else FATAL, message)
    if isinstance(exc, ChatMigrated):
        return SendError(FATAL, f"group moved to chat {exc.new_chat_id}")
    if isinstance(exc, (NetworkError, InvalidToken)):  # timeouts, 5xx; a token fixed later
        return SendError(RETRY, message)
    return SendError(FATAL, message)


class TelegramSender:
    """Sends outbox replies with the application's bot (shared with the adapter and its limiter)."""

    channel = "telegram"

    def __init__(self, bot: LeanBot):
        self.bot = bot

    async def send(self, external_id: str, reply: Reply) -> None:
        """Deliver one reply to one chat; raises SendError when Telegram refuses."""
        try:
            await send_reply(self.bot, chat_id_of(external_id), reply)
        except TelegramError as exc:
            raise classify(exc) from exc
