"""Reading request bodies strictly: a size limit while reading, and JSON that is only JSON."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web

CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    """The body is over the limit (the client gets 413)."""


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The whole body, read no further than limit; BodyTooLarge beyond it."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge(request.content_length)
    raw = bytearray()
    while chunk := await request.content.read(CHUNK):
        raw += chunk
        if len(raw) > limit:
            raise BodyTooLarge(len(raw))
    return bytes(raw)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def strict_json(raw: bytes) -> Any:
    """Parse UTF-8 JSON; NaN and Infinity (which Python would take) raise ValueError like any bad JSON."""
    return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
