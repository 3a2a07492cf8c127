"""Cleaning what residents type and recognising numbers and keywords."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# Zero-width characters, the BOM and other format characters pinyin keyboards sometimes leave.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
# "3", "第3项", "3号", "选3", "选第三个", "三", "十二": a choice number, with the words people put around it.
_NUMBER = re.compile(r"^(?:我)?(?:要|选|选择|就)?\s*(?:第\s*)?([0-9]{1,3}|[零〇一二两三四五六七八九十]{1,3})"
                     r"\s*(?:号|项|个|条|种|门|位|。|\.|、|吧)?\s*$")
_ZH_DIGITS = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def folded(text: str) -> str:
    """Full-width digits, letters and signs folded to ASCII, for recognising commands only."""
    return unicodedata.normalize("NFKC", text)


def clean_text(text: str) -> str:
    """Drop control and zero-width characters and trim; the words themselves stay as typed."""
    text = _INVISIBLE.sub("", text or "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()


def chinese_number(text: str) -> int | None:
    """一 … 九十九 as a number ("三" → 3, "十二" → 12, "二十" → 20, "两" → 2); None otherwise."""
    if not text or any(ch not in _ZH_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _ZH_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or tens in ("零", "〇") or "十" in ones:
        return None
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


def as_number(text: str) -> int | None:
    """The number a resident typed ("3", "３", "三", "第三个", "第3项", "3号", "选3", "十二"), or None."""
    match = _NUMBER.match(folded(text).strip())
    if not match:
        return None
    digits = match.group(1)
    return int(digits) if digits.isdecimal() else chinese_number(digits)


_WITH_ARG = re.compile(r"^(\S+?)\s*[:：]?\s*([A-Za-z0-9_-]{1,40})$")
# Commands with two or three arguments: "/draw 12 3" → "draw:12:3".
_COMMAND_ARGS = re.compile(r"^(/\S+?)((?:\s+[A-Za-z0-9_-]{1,40}){2,3})$")
START = "/start"
# Telegram deep links arrive as "/start PARAMETER": "vote-12" opens vote 12, "course-CODE" a course,
# "attend-CODE" checks in to a class, "shiftin-CODE" / "shiftout-CODE" to and out of a volunteer shift.
START_LINKS: dict[str, str] = {"vote": "vote", "course": "crs", "attend": "here", "shiftin": "shin",
                               "shiftout": "shout"}


def start_link(parameter: str) -> str:
    """The payload of a deep-link parameter ("vote-12" → "vote:12"); the menu when it means nothing."""
    kind, _, ref = parameter.partition("-")
    verb = START_LINKS.get(kind.lower())
    return f"{verb}:{ref}" if verb and ref else "menu"


def argument_payload(text: str, argument_words: Mapping[str, str]) -> str | None:
    """The payload of a keyword followed by an argument ("绑定 123456" → "link:123456"), given
    the verbs of the keywords that take one."""
    text = folded(text).strip()
    match = _WITH_ARG.match(text) or _COMMAND_ARGS.match(text)
    if not match:
        return None
    word = match.group(1).lower().split("@", 1)[0]
    args = match.group(2).split()
    if word == START:
        return start_link(args[0]) if len(args) == 1 else "menu"
    verb = argument_words.get(word)
    return ":".join([verb, *args]) if verb else None


def keyword_payload(text: str, words: Mapping[str, str], argument_words: Mapping[str, str]) -> str | None:
    """The payload of a keyword or command, ignoring case and a bot-name suffix."""
    word = folded(text).strip().lower()
    if word.startswith("/"):
        word, _, rest = word.partition(" ")
        word = word.split("@", 1)[0]
        if rest.strip() and (word in argument_words or word == START):
            return None  # "/checkin K7M2Q9": argument_payload keeps the argument
    return words.get(word)
