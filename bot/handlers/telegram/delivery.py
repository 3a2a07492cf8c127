"""A turn's replies sent to a Telegram chat from the outbox rows that hold them."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.error import TelegramError

from bot.dialogs.engine import Dialogs
from bot.handlers.telegram.lean_bot import LeanBot
from bot.handlers.telegram.render import replace_with, send_reply
from bot.handlers.telegram.sender import classify
from bot.messages import Reply, Turn
from scheduler.replies import Delivered

# What becomes of the pressed message when its answer cannot take its place: its buttons go.
Fallback = Callable[[], Awaitable[None]]


async def deliver_turn(dialogs: Dialogs, bot: LeanBot, chat_id: int | str, turn: Turn,
                       in_place_of: int | None = None, fallback: Fallback | None = None) -> Delivered:
    """Send the replies in order and mark their rows; what 429/5xx stops waits for the tick.

    in_place_of: the pressed message, which the first reply replaces when it can (one Bot API
    call instead of two); when it cannot, `fallback` runs before the reply is sent as new."""
    screen = in_place_of

    async def send(reply: Reply) -> None:
        nonlocal screen
        try:
            target, screen = screen, None
            if target is not None:
                if await replace_with(bot, chat_id, target, reply):
                    return
                if fallback is not None:
                    await fallback()
            await send_reply(bot, chat_id, reply)
        except TelegramError as exc:
            raise classify(exc) from exc

    return await dialogs.deliver(turn, send)
