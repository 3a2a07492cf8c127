"""`linli wechat menu` and the 公众号 poster QR code (`linli qr course CODE --wechat`)."""
from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from bot.settings import Settings, get_settings

if TYPE_CHECKING:  # wechatpy (7 MB) is loaded by the commands that call WeChat, not by every worker
    from bot.handlers.wechat.client import WechatApi


def wechat_api(settings: Settings) -> WechatApi | None:
    """The 公众号 API client, or None (said why) when it is not configured."""
    from bot.app import open_database  # loaded when a command runs, as the other commands do
    from bot.handlers.wechat.client import build_api
    try:
        return build_api(settings.wechat, open_database(settings))
    except ValueError as exc:
        print(f"公众号未配置：{exc}", file=sys.stderr)
        return None


def run_menu(settings: Settings) -> int:
    """Publish the custom menu; 2 when the 公众号 is not configured, 1 when WeChat refuses."""
    from bot.handlers.wechat.client import WechatApiError
    from bot.handlers.wechat.menu import publish_menu

    api = wechat_api(settings)
    if api is None:
        return 2
    try:
        spec = asyncio.run(publish_menu(api, settings.web.public_url))
    except WechatApiError as exc:
        print(f"微信拒绝了菜单：{exc}", file=sys.stderr)
        return 1
    names = [b["name"] + ("（" + "/".join(s["name"] for s in b["sub_button"]) + "）"
                          if b.get("sub_button") else "") for b in spec["button"]]
    print("已更新公众号菜单：" + " · ".join(names))
    return 0


def cmd_menu(args) -> int:
    """`linli wechat menu`."""
    return run_menu(get_settings())


def add_commands(sub) -> None:
    """`linli wechat menu`."""
    wechat = sub.add_parser("wechat", help="微信公众号：自定义菜单")
    wechat_sub = wechat.add_subparsers(dest="action", required=True)
    wechat_sub.add_parser("menu", help="发布菜单：服务菜单 · 我的报名 · 更多").set_defaults(func=cmd_menu)
