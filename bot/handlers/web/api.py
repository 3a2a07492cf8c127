"""The web chat's JSON: reading what the page sends, shaping what it gets back."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.handlers.http_body import BodyTooLarge, read_limited, strict_json
from bot.messages import MAX_PAYLOAD_BYTES
from bot.texts import t
from store.models.web import PUSH, SAID, WebInboxMessage
from store.web_inbox import load_payload

MAX_BODY_BYTES = 16 * 1024
LABEL_LIMIT = 100
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_LINK = re.compile(r"^https?://", re.IGNORECASE)


class ApiError(Exception):
    """A request the page made that we refuse, with the text the page shows."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status = status
        self.text = text


@dataclass(frozen=True)
class PageMessage:
    """One message from the page: typed text, a pressed choice, or the opening of the page."""

    message_id: str
    text: str = ""
    payload: str | None = None
    shown: str = ""  # what the resident's bubble says ("" for none)


async def read_json(request: web.Request, lang: str) -> dict[str, Any]:
    """The request body as a JSON object; ApiError for anything else."""
    if request.content_type != "application/json":
        raise ApiError(415, t("web_bad_request", lang))
    try:
        raw = await read_limited(request, MAX_BODY_BYTES)
    except BodyTooLarge as exc:
        raise ApiError(413, t("web_too_large", lang)) from exc
    except Exception as exc:  # noqa: BLE001  (a client that hung up, a broken chunked body)
        raise ApiError(400, t("web_bad_request", lang)) from exc
    try:
        data = strict_json(raw)
        # A lone surrogate ("\ud800") decodes but is no text: it could be neither stored nor sent.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as exc:  # RecursionError: "[[[[…" nested too deep
        raise ApiError(400, t("web_bad_request", lang)) from exc
    if not isinstance(data, dict):
        raise ApiError(400, t("web_bad_request", lang))
    return data


def _message_id(data: dict[str, Any], lang: str) -> str:
    value = data.get("id")
    if not isinstance(value, str) or not _MESSAGE_ID.match(value):
        raise ApiError(400, t("web_bad_request", lang))
    return value


def _plain(value: Any, limit: int) -> str:
    """A display string without control characters, cut to limit."""
    if not isinstance(value, str):
        return ""
    text = "".join(ch for ch in value if unicodedata.category(ch) != "Cc")
    return text.strip()[:limit]


def parse_message(data: dict[str, Any], max_text: int, lang: str) -> PageMessage:
    """{id, text} or {id, payload, label?} as a PageMessage; ApiError when malformed."""
    message_id = _message_id(data, lang)
    payload = data.get("payload")
    if payload is not None:
        if (not isinstance(payload, str) or not payload
                or len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES or _plain(payload, 200) != payload):
            raise ApiError(400, t("web_bad_choice", lang))
        return PageMessage(message_id, payload=payload, shown=_plain(data.get("label"), LABEL_LIMIT))
    text = data.get("text")
    if not isinstance(text, str):
        raise ApiError(400, t("web_bad_request", lang))
    if not text.strip():
        raise ApiError(400, t("web_empty", lang))
    if len(text) > max_text:
        raise ApiError(413, t("web_too_long", lang, limit=max_text))
    return PageMessage(message_id, text=text, shown=text)


def parse_opening(data: dict[str, Any], lang: str) -> tuple[str, str | None]:
    """{id, start?}: the message id and the start parameter of the page's link."""
    start = data.get("start")
    return _message_id(data, lang), start if isinstance(start, str) else None


def reply_json(reply: dict[str, Any]) -> dict[str, Any]:
    """A stored Reply as the page draws it; local picture or file paths stay on the server."""
    out: dict[str, Any] = {"text": str(reply.get("text", "")),
                           "choices": [[str(label), str(payload)]
                                       for label, payload in reply.get("choices", [])]}
    for key in ("picture", "file"):
        value = reply.get(key)
        if isinstance(value, str) and _LINK.match(value):
            out[key] = value
    return out


def row_json(row: WebInboxMessage) -> dict[str, Any]:
    """One history message for the page."""
    data = load_payload(row)
    if row.kind == SAID:
        return {"id": row.id, "from": "me", "text": str(data.get("text", "")), "choices": []}
    return {"id": row.id, "from": "bot", "push": row.kind == PUSH, **reply_json(data)}
