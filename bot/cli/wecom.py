"""`linli wecom menu`: the WeCom application's custom menu."""
from __future__ import annotations

import asyncio
import sys

from bot.settings import Settings, get_settings


def run_menu(settings: Settings) -> int:
    """Publish the menu; 2 when WeCom is not configured, 1 when WeCom refuses."""
    from bot.app import open_database  # loaded when a command runs, as the other commands do
    from bot.handlers.wecom.client import WecomApiError, build_api
    from bot.handlers.wecom.menu import publish_menu
    try:
        api = build_api(settings.wecom, open_database(settings))
    except ValueError as exc:
        print(f"企业微信未配置：{exc}", file=sys.stderr)
        return 2
    try:
        spec = asyncio.run(publish_menu(api))
    except WecomApiError as exc:
        print(f"企业微信拒绝了菜单：{exc}", file=sys.stderr)
        return 1
    names = [b["name"] + ("（" + "/".join(s["name"] for s in b["sub_button"]) + "）"
                          if b.get("sub_button") else "") for b in spec["button"]]
    print("已更新企业微信应用菜单：" + " · ".join(names))
    return 0


def cmd_menu(args) -> int:
    """`linli wecom menu`."""
    return run_menu(get_settings())


def add_commands(sub) -> None:
    """`linli wecom menu`."""
    wecom = sub.add_parser("wecom", help="企业微信应用：自定义菜单")
    wecom_sub = wecom.add_subparsers(dest="action", required=True)
    wecom_sub.add_parser("menu", help="发布菜单：主菜单 · 我的报名 · 更多").set_defaults(func=cmd_menu)
