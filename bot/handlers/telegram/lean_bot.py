"""The bot object the Telegram channel sends with: python-telegram-bot's ExtBot, plus a text send, a text
edit and a keyboard removal that leave Telegram's answer unparsed.

Nothing reads the Message that sendMessage, editMessageText and editMessageReplyMarkup return, yet
parsing it into python-telegram-bot's objects was about 7.6% of a webhook worker's CPU (py-spy, GIL
held). These three go through the same request path as every other call (ExtBot._post: defaults, the rate
limiter, the HTTP client, errors raised as TelegramError); only the answer is left as JSON.
"""
from __future__ import annotations

from typing import Any

from telegram.ext import ExtBot


class LeanBot(ExtBot):
    """An ExtBot with sends whose answers are not turned into Message objects."""

    async def send_text(self, chat_id: int | str, text: str,
                        reply_markup: dict[str, Any] | None = None) -> dict[str, Any]:
        """sendMessage with a keyboard given as the Bot API's JSON; Telegram's answer as JSON."""
        return await self._post("sendMessage", {"chat_id": chat_id, "text": text, "reply_markup": reply_markup})

    async def edit_text(self, chat_id: int | str, message_id: int, text: str,
                        reply_markup: dict[str, Any] | None = None) -> Any:
        """editMessageText: the message's text and keyboard replaced; Telegram's answer as JSON."""
        return await self._post("editMessageText", {"chat_id": chat_id, "message_id": message_id, "text": text,
                                                    "reply_markup": reply_markup})

    async def drop_keyboard(self, chat_id: int | str, message_id: int) -> Any:
        """editMessageReplyMarkup with no markup: the message's inline buttons removed."""
        return await self._post("editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id})
