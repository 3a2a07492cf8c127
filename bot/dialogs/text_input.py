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
    "服务菜单": "browse", "/browse": "browse", "更多服务": "more", "更多": "more",
    "我的报名": "my", "/my": "my", "我的": "my",
    "搜索": "search", "/search": "search", "查找": "search",
    "设置": "set", "/settings": "set", "提醒设置": "set", "上课提醒": "set",
    "课程提醒": "setc", "按课程设置提醒": "setc",
    "我的积分": "pts", "积分": "pts", "/points": "pts", "志愿者": "vol", "/volunteer": "vol",
    "意见反馈": "fb", "反馈": "fb", "建议": "fb", "需求反馈": "fb",
    "/volunteers": "vlist", "/credit": "credit", "/redemptions": "rdlist", "/feedback": "fblist",
    "绑定": "link", "绑定账号": "link", "/link": "link",
    "场馆预约": "book", "预约": "book", "预约场馆": "book", "订场地": "book", "/book": "book",
    "我的预约": "mybk", "/bookings": "mybk", "签到": "checkin", "/checkin": "checkin",
    "点单": "order", "点单服务": "order", "/order": "order", "我要点单": "order",
    "我的点单": "myo", "/myorders": "myo", "/orders": "orders", "派单": "orders",
    "/notice": "ntc", "发通知": "ntc", "/notices": "ntl", "通知记录": "ntl",
    "/bindcode": "gbc", "绑定群": "gbc", "订阅通知": "nsub", "/subscribe": "nsub",
    "投票": "votes", "进行中的投票": "votes", "/votes": "votes", "/vote": "votes",
    "/newvote": "newvote", "发起投票": "newvote", "/draw": "draw", "/report": "report", "统计报表": "report",
}


def folded(text: str) -> str:
    """Full-width digits, letters and signs folded to ASCII, for recognising commands only."""
    return unicodedata.normalize("NFKC", text)


def clean_text(text: str) -> str:
    """Drop control and zero-width characters and trim; the words themselves stay as typed."""
    text = _INVISIBLE.sub("", text or "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()


def as_number(text: str) -> int | None:
    """The number a resident typed ("3", "３", "第3项"), or None."""
    match = _NUMBER.match(folded(text))
    return int(match.group(1)) if match else None


# Keywords that take one argument: "绑定 123456", "/link 123456".
ARG_KEYWORDS: dict[str, str] = {
    "绑定": "link", "绑定账号": "link", "/link": "link",
    "邀请码": "invite", "/invite": "invite",
    "签到": "checkin", "签到码": "checkin", "/checkin": "checkin",
    "/bind": "bind",
    "/start": "start", "投票": "vote", "/vote": "vote", "/draw": "draw",
    "/report": "report", "统计报表": "report",
}
_WITH_ARG = re.compile(r"^(\S+?)\s*[:：]?\s*([A-Za-z0-9_-]{1,40})$")
# Commands with two or three arguments: "/draw 12 3" → "draw:12:3".
_COMMAND_ARGS = re.compile(r"^(/\S+?)((?:\s+[A-Za-z0-9_-]{1,40}){2,3})$")
# Telegram deep links arrive as "/start PARAMETER": "vote-12" opens vote 12, "course-CODE" a course.
START_LINKS: dict[str, str] = {"vote": "vote", "course": "crs"}


def start_link(parameter: str) -> str:
    """The payload of a deep-link parameter ("vote-12" → "vote:12"); the menu when it means nothing."""
    kind, _, ref = parameter.partition("-")
    verb = START_LINKS.get(kind.lower())
    return f"{verb}:{ref}" if verb and ref else "menu"


def argument_payload(text: str) -> str | None:
    """The payload of a keyword followed by an argument ("绑定 123456" → "link:123456")."""
    text = folded(text).strip()
    match = _WITH_ARG.match(text) or _COMMAND_ARGS.match(text)
    if not match:
        return None
    verb = ARG_KEYWORDS.get(match.group(1).lower().split("@", 1)[0])
    args = match.group(2).split()
    if verb == "start":
        return start_link(args[0]) if len(args) == 1 else "menu"
    return ":".join([verb, *args]) if verb else None


def keyword_payload(text: str) -> str | None:
    """The payload of a keyword or command, ignoring case and a bot-name suffix."""
    word = folded(text).strip().lower()
    if word.startswith("/"):
        word, _, rest = word.partition(" ")
        word = word.split("@", 1)[0]
        if rest.strip() and word in ARG_KEYWORDS:
            return None  # "/checkin K7M2Q9": argument_payload keeps the argument
    return KEYWORDS.get(word)
