"""How a Reply looks on Telegram: numbered inline buttons, text split to the API's limits."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram.error import BadRequest

from bot.handlers.telegram.lean_bot import LeanBot
from bot.handlers.text_split import split_text as split_by_size
from bot.handlers.text_split import utf16_units
from bot.messages import Reply

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
SHORT_LABEL = 4  # labels this short (文化, 体育, 帮助 …) go two to a row


def render_keyboard(reply: Reply) -> dict[str, Any] | None:
    """The reply's choices as numbered inline buttons, one per row unless all are short; the
    Bot API's InlineKeyboardMarkup as plain JSON (building python-telegram-bot's objects for it
    cost 100–160 µs a send, the JSON 20)."""
    if not reply.choices:
        return None
    buttons = [{"text": f"{i}. {c.label}", "callback_data": c.payload} for i, c in enumerate(reply.choices, 1)]
    per_row = 2 if all(len(c.label) <= SHORT_LABEL for c in reply.choices) else 1
    return {"inline_keyboard": [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]}


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Text cut into parts Telegram accepts (it counts UTF-16 units), at line ends where possible."""
    return split_by_size(text, limit, utf16_units)


def _media_input(value: str) -> Path | str:
    # A local path is uploaded; anything else (URL, file_id) is passed to Telegram as is.
    path = Path(value)
    return path if path.is_file() else value


async def send_reply(bot: LeanBot, chat_id: int | str, reply: Reply) -> None:
    """Send one Reply to a chat: attachments, then text; the keyboard goes on the last message."""
    markup = render_keyboard(reply)
    media = [(bot.send_photo, "photo", reply.picture), (bot.send_document, "document", reply.file)]
    media = [(send, field, value) for send, field, value in media if value]
    if len(media) == 1 and reply.text and utf16_units(reply.text) <= CAPTION_LIMIT:
        send, field, value = media[0]
        await send(chat_id, **{field: _media_input(value)}, caption=reply.text, reply_markup=markup)
        return
    parts = split_text(reply.text)
    if not parts and markup is not None and not media:
        parts = ["👇"]  # Telegram refuses a keyboard without text
    for n, (send, field, value) in enumerate(media, 1):
        last = n == len(media) and not parts
        await send(chat_id, **{field: _media_input(value)}, reply_markup=markup if last else None)
    for n, part in enumerate(parts, 1):
        await bot.send_text(chat_id, part, reply_markup=markup if n == len(parts) else None)


async def replace_with(bot: LeanBot, chat_id: int | str, message_id: int, reply: Reply) -> bool:
    """Put a text reply in place of a message; False when it cannot be (it has a picture or file,
    is too long for one message, or Telegram will not edit that message any more)."""
    if reply.picture or reply.file or not reply.text.strip() or utf16_units(reply.text) > TEXT_LIMIT:
        return False
    try:
        await bot.edit_text(chat_id, message_id, reply.text, reply_markup=render_keyboard(reply))
    except BadRequest as exc:
        # Pressed twice on a screen that shows the same again: it already stands there.
        return "not modified" in str(exc).lower()
    return True
