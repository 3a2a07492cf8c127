"""Flows not yet moved into a feature package, registered on one router by verb."""
from __future__ import annotations

from collections.abc import Callable

from bot.dialogs.router import Route, Router

router = Router("legacy")


class RawArgs:
    """Button data as the list of strings after the verb."""

    @classmethod
    def from_args(cls, args: list[str]) -> list[str]:
        """The parts, unchecked."""
        return list(args)


def on_payload(verb: str) -> Callable:
    """Register a handler for choices whose payload starts with `verb:`."""
    def register(func: Callable) -> Callable:
        router.payloads[verb] = Route(router.name, RawArgs, func)  # type: ignore[arg-type]
        return func
    return register


def on_text(expect: str, max_length: int | None = None) -> Callable:
    """Register a handler for free text while the dialog expects `expect`."""
    return router.state(expect, max_length)


def add_menu_item(order: int, text_key: str, payload: str, where: str = "more") -> None:
    """Put a feature's entry on the main menu ("main") or under 更多服务 ("more")."""
    router.menu(order, text_key, payload, where)


KEYWORDS: dict[str, str] = {
    "设置": "set", "/settings": "set", "提醒设置": "set", "上课提醒": "set",
    "绑定": "link", "绑定账号": "link", "/link": "link",
    "/notice": "ntc", "发通知": "ntc", "/notices": "ntl", "通知记录": "ntl",
    "/bindcode": "gbc", "绑定群": "gbc", "订阅通知": "nsub", "/subscribe": "nsub",
    "投票": "votes", "进行中的投票": "votes", "/votes": "votes", "/vote": "votes",
    "/newvote": "newvote", "发起投票": "newvote", "/draw": "draw", "/report": "report", "统计报表": "report",
}
ARG_KEYWORDS: dict[str, str] = {
    "绑定": "link", "绑定账号": "link", "/link": "link",
    "邀请码": "invite", "/invite": "invite",
    "/bind": "bind",
    "投票": "vote", "/vote": "vote", "/draw": "draw",
    "/report": "report", "统计报表": "report",
}
router.words.update(KEYWORDS)
router.argument_words.update(ARG_KEYWORDS)
