"""Replies as WeCom messages: text with numbered choices, plus a button card when the choices fit one."""
from __future__ import annotations

import logging
import uuid
from typing import Any

from bot.handlers.plain_text import reply_as_text
from bot.messages import Reply
from bot.handlers.text_split import split_text as split_by_size
from bot.handlers.text_split import utf8_bytes
from bot.handlers.wecom.client import WecomApi, WecomApiError
from bot.texts import t

CARD_MAX_BUTTONS = 6   # WeCom's button_interaction card holds at most 6 buttons
BUTTON_TEXT_MAX = 10   # longer button texts are cut by WeCom
TITLE_MAX = 26         # main_title.title
TEXT_BYTES_MAX = 2000  # WeCom truncates text messages beyond 2048 bytes

log = logging.getLogger("linli.wecom")


def choice_lines(reply: Reply, lang: str = "zh") -> list[str]:
    """'回复 1 报名' for every choice."""
    return [t("wecom_choice_line", lang, n=n, label=c.label) for n, c in enumerate(reply.choices, 1)]


def reply_text(reply: Reply, lang: str = "zh") -> str:
    """The whole reply as text: message, links of attachments, numbered choices."""
    return reply_as_text(reply, choice_lines(reply, lang))


def split_text(text: str, limit: int = TEXT_BYTES_MAX) -> list[str]:
    """Text cut into parts of at most limit UTF-8 bytes, at line ends where possible."""
    return split_by_size(text, limit, utf8_bytes)


def fits_card(reply: Reply) -> bool:
    """True when every choice can be a whole, uncut button."""
    return (0 < len(reply.choices) <= CARD_MAX_BUTTONS
            and all(len(c.label) <= BUTTON_TEXT_MAX for c in reply.choices))


def new_task_id() -> str:
    """A card id WeCom accepts (letters, digits, _-@; at most 128) and never repeats."""
    return f"linli_{uuid.uuid4().hex}"


def _title(reply: Reply, lang: str) -> str:
    first = next((line.strip() for line in reply.text.splitlines() if line.strip()), "")
    if not first:
        return t("wecom_card_hint", lang)
    return first if len(first) <= TITLE_MAX else first[:TITLE_MAX - 1] + "…"


def build_card(reply: Reply, task_id: str, lang: str = "zh") -> dict[str, Any]:
    """A button_interaction card whose button keys are the choices' payloads."""
    return {
        "card_type": "button_interaction",
        "main_title": {"title": _title(reply, lang), "desc": t("wecom_card_hint", lang)},
        "task_id": task_id,
        "button_list": [{"text": c.label, "style": 1, "key": c.payload} for c in reply.choices],
    }


def render(reply: Reply, lang: str = "zh", cards: bool = True) -> list[dict[str, Any]]:
    """The messages for one reply: the text part(s), then a card when the choices fit."""
    messages: list[dict[str, Any]] = [{"msgtype": "text", "text": {"content": part}}
                                      for part in split_text(reply_text(reply, lang))]
    if cards and fits_card(reply):
        messages.append({"msgtype": "template_card",
                         "template_card": build_card(reply, new_task_id(), lang)})
    return messages


async def send_reply(api: WecomApi, user: str, reply: Reply, lang: str = "zh",
                     cards: bool = True) -> None:
    """Deliver one reply to a member; a failed card is only logged, its text already went out."""
    for message in render(reply, lang, cards):
        if message["msgtype"] == "text":
            await api.send_text(user, message["text"]["content"])
            continue
        try:
            await api.send_card(user, message["template_card"])
        except WecomApiError as exc:
            log.info("wecom card not sent: %s", exc)
