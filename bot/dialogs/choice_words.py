"""Typed words that mean a choice on the screen: the label itself, the label without its number or
count, a label that contains the words, or a word that means the same (确定 = 确认, 退回 = 返回)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from bot.messages import Choice

# Words that mean the same thing on a button. The first word of a group names it.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("确认", "确定", "好的", "好", "是", "是的", "对", "对的", "可以", "行", "没问题", "ok", "嗯", "同意"),
    ("返回", "退回", "回去", "后退", "上一步", "回上一步", "返回上一步", "往回", "回上一级"),
    ("取消", "不要了", "不要", "算了", "不用了", "不了", "放弃", "不点了", "不约了", "不报了", "再想想",
     "不发了", "先不了", "撤销"),
    ("主菜单", "首页", "主页", "回主菜单", "回到主菜单", "回首页"),
    ("下一页", "下页", "后一页", "往后翻", "往后", "翻页", "下一屏"),
    ("上一页", "上页", "前一页", "往前翻", "往前", "上一屏"),
    ("帮助", "怎么用", "不会用", "说明", "使用说明"),
    ("报名", "参加", "报个名", "我要参加"),
    ("请假", "去不了", "来不了", "不去了"),
    ("跳过", "不写了", "没有了", "不评了"),
)
BACK, CANCEL, MENU, NEXT, PREV = "返回", "取消", "主菜单", "下一页", "上一页"
# Filler people put around a button's words: "我要报名" is 报名, "确认报名吧" is 确认报名.
_FILLER_HEAD = re.compile(r"^(?:我要|我想|我想要|我|要|想|请|帮我|给我|麻烦)+")
_FILLER_TAIL = re.compile(r"(?:吧|了吧|呢|啊|呀|一下|哦|嘛)+$")
# A label's number, count or note: "1. 服务菜单", "书法 · 5门课", "书法（5）", "零基础（已满）".
_LABEL_NUMBER = re.compile(r"^\s*\d+\s*[.、．]\s*")
_LABEL_NOTE = re.compile(r"\s*(?:[·•|｜:：].*|[（(][^）)]*[）)])\s*$")
_DROP = re.compile(r"[\s\u3000，,。.!！?？、~～…“”\"'‘’【】\[\]]")


@lru_cache(maxsize=4096)  # the same labels come back screen after screen
def normal(text: str) -> str:
    """Text folded for comparing: full-width to half-width, lower case, no spaces or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=4096)
def _core(label: str) -> str:
    """A label without its number and its note: "书法 · 5门课" → "书法"."""
    return normal(_LABEL_NOTE.sub("", _LABEL_NUMBER.sub("", label)))


def _unfilled(typed: str) -> str:
    """What was typed without the filler around it (the filler alone stays as it is)."""
    bare = _FILLER_TAIL.sub("", _FILLER_HEAD.sub("", typed))
    return bare or typed


def synonym_group(word: str) -> tuple[str, ...] | None:
    """The words that mean the same as `word`, or None."""
    for group in SYNONYMS:
        if word in group:
            return group
    return None


def group_name(text: str) -> str | None:
    """The name of the group a typed word belongs to ("退回" → "返回"), or None."""
    group = synonym_group(_unfilled(normal(text)))
    return group[0] if group else None


def _contains(label: str, word: str, typed: str) -> bool:
    """The label has the word, and not as its negation ("不取消" does not mean 取消)."""
    return word in label and ("不" in typed or f"不{word}" not in label)


def _only(found: list[Choice]) -> Choice | None:
    unique = {c.payload: c for c in found}
    return next(iter(unique.values())) if len(unique) == 1 else None


def exact_choice(text: str, choices: Sequence[Choice]) -> Choice | None:
    """The choice whose whole label, or label without its number or note, is what was typed
    (filler such as 我要 … 吧 aside)."""
    typed = normal(text)
    if not typed or not choices:
        return None
    for candidate in dict.fromkeys((typed, _unfilled(typed))):
        found = _only([c for c in choices if normal(c.label) == candidate]) \
            or _only([c for c in choices if _core(c.label) == candidate])
        if found:
            return found
    return None


def near_choice(text: str, choices: Sequence[Choice], strict: bool = False) -> Choice | None:
    """The one choice whose label contains what was typed, or has a word of the same meaning.

    strict (the screen also takes free text, such as a name or a comment): only a word of the
    same meaning counts, never part of a label."""
    typed = normal(text)
    if not typed or not choices:
        return None
    bare = _unfilled(typed)
    if not strict:
        found = _only([c for c in choices if _contains(normal(c.label), bare, typed)])
        if found:
            return found
    group = synonym_group(bare)
    if group is None or (strict and len(bare) == 1):
        return None
    words = [word for word in group if len(word) > 1]  # one character is too often part of a title
    return _only([c for c in choices for word in words if _contains(normal(c.label), word, typed)])
