"""The 公众号's custom menu: each button's key is the word a resident would type for it."""
from __future__ import annotations

from typing import Any

from bot.handlers.wechat.client import WechatApi

MORE = ("场馆预约", "意见反馈", "帮助")


def _click(word: str) -> dict[str, str]:
    return {"type": "click", "name": word, "key": word}


def menu_spec() -> dict[str, Any]:
    """服务菜单 · 我的报名 · 更多 (场馆预约 / 意见反馈 / 帮助)."""
    return {"button": [_click("服务菜单"), _click("我的报名"),
                       {"name": "更多", "sub_button": [_click(word) for word in MORE]}]}


def menu_keys(spec: dict[str, Any]) -> list[str]:
    """Every click key in a menu, top buttons and sub-buttons."""
    keys = []
    for button in spec["button"]:
        for item in button.get("sub_button") or [button]:
            keys.append(item["key"])
    return keys


async def publish_menu(api: WechatApi) -> dict[str, Any]:
    """Replace the 公众号's menu with ours; returns what was sent."""
    spec = menu_spec()
    await api.create_menu(spec)
    return spec
