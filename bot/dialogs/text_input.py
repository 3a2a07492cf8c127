"""Cleaning what residents type and recognising numbers and keywords."""
from __future__ import annotations

import re
import unicodedata

# Zero-width characters, the BOM and other format characters pinyin keyboards sometimes leave.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_NUMBER = re.compile(r"^\s*(?:第\s*)?(\d{1,3})\s*(?:号|项|个|\.|。)?\s*$")

KEYWORDS: dict[str, str] = {
    "/start": "menu", "start": "menu", "/menu": "menu", "菜单": "menu", "主菜单": "menu",
    "开始": "menu", "你好": "menu", "您好": "menu", "hi": "menu", "hello": "menu",
    "/help": "help", "帮助": "help", "help": "help", "怎么用": "help", "?": "help", "？": "help",
    "服务菜单": "browse", "/browse": "browse",
    "我的报名": "my", "/my": "my", "我的": "my",
    "搜索": "search", "/search": "search", "查找": "search",
}


def clean_text(text: str) -> str:
    """NFKC-normalise, drop control and zero-width characters, trim."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()


def as_number(text: str) -> int | None:
    """The number a resident typed ("3", "３", "第3项"), or None."""
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None


def keyword_payload(text: str) -> str | None:
    """The payload of a keyword or command, ignoring case and a bot-name suffix."""
    word = text.strip().lower()
    if word.startswith("/"):
        word = word.split("@", 1)[0].split(" ", 1)[0]
    return KEYWORDS.get(word)
