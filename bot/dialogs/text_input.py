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
    "设置": "set", "/settings": "set", "提醒设置": "set", "上课提醒": "set",
    "绑定": "link", "绑定账号": "link", "/link": "link",
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


# Keywords that take one argument: "绑定 123456", "/link 123456".
ARG_KEYWORDS: dict[str, str] = {
    "绑定": "link", "绑定账号": "link", "/link": "link",
    "邀请码": "invite", "/invite": "invite",
}
_WITH_ARG = re.compile(r"^(\S+?)\s*[:：]?\s*([A-Za-z0-9_-]{1,40})$")


def argument_payload(text: str) -> str | None:
    """The payload of a keyword followed by an argument ("绑定 123456" → "link:123456")."""
    match = _WITH_ARG.match(text.strip())
    if not match:
        return None
    verb = ARG_KEYWORDS.get(match.group(1).lower().split("@", 1)[0])
    return f"{verb}:{match.group(2)}" if verb else None


def keyword_payload(text: str) -> str | None:
    """The payload of a keyword or command, ignoring case and a bot-name suffix."""
    word = text.strip().lower()
    if word.startswith("/"):
        word = word.split("@", 1)[0].split(" ", 1)[0]
    return KEYWORDS.get(word)
