"""Replies as 公众号 text: the message, then the choices as a numbered list, cut within WeChat's limit."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from bot.dialogs.engine import number_choices
from bot.handlers.plain_text import reply_as_text
from bot.handlers.text_split import split_text, utf8_bytes
from bot.messages import Reply
from bot.texts import t

# 客服消息 and passive replies take at most 2048 bytes of UTF-8 text; keep a margin.
TEXT_BYTES_MAX = 2000
TEMPLATE_VALUE_MAX = 180  # template fields beyond about 200 characters are cut off by WeChat


def reply_text(reply: Reply) -> str:
    """The whole reply as text: message, links of attachments, numbered choices."""
    return reply_as_text(reply, number_choices(reply.choices))


def text_parts(replies: list[Reply], limit: int = TEXT_BYTES_MAX) -> list[str]:
    """The text messages for some replies, in order, each within limit UTF-8 bytes."""
    return [part for reply in replies for part in split_text(reply_text(reply), limit, utf8_bytes)]


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEMPLATE_VALUE_MAX else text[:TEMPLATE_VALUE_MAX - 1] + "…"


def template_data(reply: Reply, now: datetime, zone: str, lang: str = "zh") -> dict[str, Any]:
    """A template message's fields: first line, the rest, the time, and where to answer."""
    lines = [line.strip() for line in reply.text.splitlines() if line.strip()]
    first = lines[0] if lines else t("wechat_template_first", lang)
    rest = " ".join(lines[1:]) or first
    local = now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone))
    return {"first": {"value": _clip(first)},
            "keyword1": {"value": _clip(rest)},
            "keyword2": {"value": local.strftime("%Y-%m-%d %H:%M")},
            "remark": {"value": t("wechat_template_remark", lang)}}
