"""Buttons one feature shows and another answers: features do not import each other, so the
data of these buttons lives here, and the answering feature declares the handler.

    WhatsOn("d5", 1, "", "太极")     sessions on Saturday, subject 太极      (feature: whatson)
    WatchCategory(3) / WatchCourse("WH-SF-01")   有新课/有名额时提醒我      (feature: whatson)
    MyCommunity()                   choose 我的社区                        (feature: whatson)
    course_link("WH-SF-01")         a course's page                        (feature: courses)
"""
from __future__ import annotations

import re

from sqlmodel import Session

from bot.dialogs.callback import Callback
from bot.search.when import SOON, When, find_when
from store.whatson import communities

MINE = "我的社区"  # the place of a WhatsOn that means the resident's own community
SUBJECT_CHARS = 10
_PLACE_FILLER = re.compile(r"[的里附近有什么活动课程？?！!，,。\s]|有什么|有哪些|有啥")


class WhatsOn(Callback, prefix="wo"):
    """Sessions in a time window (a bot.search.when code), a page, a community, a subject."""

    when: str
    page: int | None = None
    place: str | None = None
    q: str | None = None


class WatchCategory(Callback, prefix="wcat"):
    """有新课时提醒我 for a category; stop=1 stops it."""

    category: int
    stop: int | None = None


class WatchCourse(Callback, prefix="wcrs"):
    """有名额时提醒我 for a full course; stop=1 stops it."""

    code: str
    stop: int | None = None


class MyCommunity(Callback, prefix="comm"):
    """我的社区: the chooser, a page of it, or one community chosen by its place in the list."""

    page: int | None = None
    pick: int | None = None


def course_link(code: str) -> str:
    """The payload that opens a course's page (the courses feature's "crs")."""
    return f"crs:{code}"


def sign_up_link(code: str) -> str:
    """The payload that asks to sign up for a course (the courses feature's "su")."""
    return f"su:{code}"


def category_link(category_id: int) -> str:
    """The payload that opens a category's courses (the courses feature's "cat")."""
    return f"cat:{category_id}"


def whats_on_payload(when: When, place: str = "", subject: str = "") -> str | None:
    """A packed WhatsOn for page 1, or None when the place and subject cannot fit in a button."""
    subject = subject[:SUBJECT_CHARS]
    try:
        if not (place or subject):
            return WhatsOn(when.code).pack()
        return WhatsOn(when.code, 1, place, subject or None).pack()
    except ValueError:  # a ':' typed in the subject, or too long for a button
        return None


def _place_in(names: list[str], text: str) -> tuple[str, str]:
    """The community named in text (MINE for 我的社区) and the text without it."""
    if MINE in text:
        return MINE, text.replace(MINE, " ")
    for name in sorted(names, key=len, reverse=True):
        short = name.removesuffix("社区")
        if name in text:
            return name, text.replace(name, " ")
        if len(short) >= 2 and _PLACE_FILLER.sub("", text) == short:
            return name, ""
    return "", text


def whats_on_for_text(session: Session, text: str, names: list[str] | None = None) -> str | None:
    """The WhatsOn payload typed text asks for ("周六的太极", "明天上午", "幸福社区有什么活动"),
    or None when it names no time and no community. `names`: the communities, when already known."""
    place, rest = _place_in(communities(session) if names is None else names, text)
    when = find_when(rest)
    if when is None and not place:
        return None
    if when is None:
        when = find_when("最近" + rest)
    return whats_on_payload(when or When(SOON), place, when.rest if when else "")


class MyFamily(Callback, prefix="fam"):
    """我的家人 under 设置: the elder's linked relatives and their codes (feature: proxy)."""

    page: int | None = None
