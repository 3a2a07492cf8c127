"""Payload verbs and text expectations, mapped to the flow functions that handle them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Union

from bot.dialogs.context import Context
from bot.messages import Reply

Result = Union[Reply, list[Reply]]
PayloadHandler = Callable[[Context, list[str]], Result]
TextHandler = Callable[[Context, str], Result]

PAYLOADS: dict[str, PayloadHandler] = {}
TEXTS: dict[str, TextHandler] = {}
TEXT_LIMITS: dict[str, int] = {}  # expectations that take longer text than dialogs.max_text_length


def on_payload(verb: str) -> Callable[[PayloadHandler], PayloadHandler]:
    """Register a handler for choices whose payload starts with `verb:`."""
    def register(func: PayloadHandler) -> PayloadHandler:
        PAYLOADS[verb] = func
        return func
    return register


def on_text(expect: str, max_length: int | None = None) -> Callable[[TextHandler], TextHandler]:
    """Register a handler for free text while the dialog expects `expect` (optionally longer text)."""
    def register(func: TextHandler) -> TextHandler:
        TEXTS[expect] = func
        if max_length:
            TEXT_LIMITS[expect] = max_length
        return func
    return register


def split_payload(payload: str) -> tuple[str, list[str]]:
    """'crs:ABC' → ('crs', ['ABC'])."""
    verb, _, rest = payload.partition(":")
    return verb, (rest.split(":") if rest else [])


def as_list(result: Result) -> list[Reply]:
    """Handlers may return one reply or several."""
    return [result] if isinstance(result, Reply) else list(result)
