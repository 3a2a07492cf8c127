"""Cutting long text into messages a platform accepts, at line ends where possible."""
from __future__ import annotations

from collections.abc import Callable


def utf16_units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    """Length as WeCom counts it (UTF-8 bytes)."""
    return len(text.encode("utf-8"))


def _longest_prefix(line: str, limit: int, size: Callable[[str], int]) -> int:
    low, high = 1, len(line)
    while low < high:  # the longest prefix whose size fits
        mid = (low + high + 1) // 2
        if size(line[:mid]) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def split_text(text: str, limit: int, size: Callable[[str], int]) -> list[str]:
    """Text cut into parts of at most `limit` (as measured by `size`), at line ends where possible."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while size(line) > limit:  # one line longer than a message
            cut = _longest_prefix(line, limit, size)
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:]
        if size(current + line) > limit:
            parts.append(current)
            current = ""
        current += line
    if current:
        parts.append(current)
    return [p.rstrip("\n") for p in parts if p.strip()]
