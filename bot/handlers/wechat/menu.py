"""The 公众号's custom menu: each button's key is the word a resident would type for it."""
from __future__ import annotations

from typing import Any

from bot.handlers.wechat.client import WechatApi
from bot.texts import t

MORE = ("场馆预约", "意见反馈", "帮助")


def _click(word: str) -> dict[str, str]:
    return {"type": "click", "name": word, "key": word}


def page_link(public_url: str) -> str:
    """The web chat page as the 公众号 links to it: opened there, it signs the follower in."""
    return f"{public_url.rstrip('/')}/?from=wechat"


def menu_spec(public_url: str = "") -> dict[str, Any]:
    """服务菜单 · 我的报名 · 更多 (场馆预约 / 意见反馈 / 帮助, and 网页版 when the page has an address)."""
    more = [_click(word) for word in MORE]
    if public_url:
        more.append({"type": "view", "name": t("wechat_menu_page"), "url": page_link(public_url)})
    return {"button": [_click("服务菜单"), _click("我的报名"), {"name": "更多", "sub_button": more}]}


def menu_keys(spec: dict[str, Any]) -> list[str]:
    """Every click key in a menu, top buttons and sub-buttons."""
    keys = []
    for button in spec["button"]:
        for item in button.get("sub_button") or [button]:
            if item.get("type") == "click":
                keys.append(item["key"])
    return keys


async def publish_menu(api: WechatApi, public_url: str = "") -> dict[str, Any]:
    """Replace the 公众号's menu with ours; returns what was sent."""
    spec = menu_spec(public_url)
    await api.create_menu(spec)
    return spec
