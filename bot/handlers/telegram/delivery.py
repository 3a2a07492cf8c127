"""A turn's replies sent to a Telegram chat from the outbox rows that hold them."""
from __future__ import annotations

from telegram.error import TelegramError

from bot.dialogs.engine import Dialogs
from bot.handlers.telegram.lean_bot import LeanBot
from bot.handlers.telegram.render import send_reply
from bot.handlers.telegram.sender import classify
from bot.messages import Reply, Turn
from scheduler.replies import Delivered


async def deliver_turn(dialogs: Dialogs, bot: LeanBot, chat_id: int | str, turn: Turn) -> Delivered:
    """Send the replies in order and mark their rows; what 429/5xx stops waits for the tick."""
    async def send(reply: Reply) -> None:
        try:
            await send_reply(bot, chat_id, reply)
        except TelegramError as exc:
            raise classify(exc) from exc

    return await dialogs.deliver(turn, send)
