"""The WeCom application's custom menu: each button's key is the word a resident would type for
it, so a click routes exactly like those typed words."""
from __future__ import annotations

from typing import Any

from bot.handlers.wecom.client import WecomApi

TOP = ("主菜单", "我的报名")
MORE_NAME = "更多"
MORE = ("服务菜单", "场馆预约", "意见反馈", "帮助")


def _click(word: str) -> dict[str, str]:
    return {"type": "click", "name": word, "key": word}


def menu_spec() -> dict[str, Any]:
    """主菜单 · 我的报名 · 更多 (服务菜单 / 场馆预约 / 意见反馈 / 帮助)."""
    return {"button": [*(_click(word) for word in TOP),
                       {"name": MORE_NAME, "sub_button": [_click(word) for word in MORE]}]}


def menu_keys(spec: dict[str, Any]) -> list[str]:
    """Every click key in a menu, top buttons and sub-buttons."""
    return [item["key"] for button in spec["button"] for item in button.get("sub_button") or [button]]


async def publish_menu(api: WecomApi) -> dict[str, Any]:
    """Replace the application's menu with ours; returns what was sent."""
    spec = menu_spec()
    await api.create_menu(spec)
    return spec
