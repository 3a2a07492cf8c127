"""`linli wechat menu` and the 公众号 poster QR code (`linli qr course CODE --wechat`)."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.handlers.web.deeplink import COURSE_PREFIX, valid_code
from bot.handlers.wechat.client import WechatApi, WechatApiError, build_api
from bot.handlers.wechat.menu import publish_menu
from bot.settings import Settings, get_settings
from bot.cli.qr import make_qr_png


def _api(settings: Settings) -> WechatApi | None:
    from bot.app import open_database  # loaded when a command runs, as the other commands do
    try:
        return build_api(settings.wechat, open_database(settings))
    except ValueError as exc:
        print(f"公众号未配置：{exc}", file=sys.stderr)
        return None


def run_menu(settings: Settings) -> int:
    """Publish the custom menu; 2 when the 公众号 is not configured, 1 when WeChat refuses."""
    api = _api(settings)
    if api is None:
        return 2
    try:
        spec = asyncio.run(publish_menu(api))
    except WechatApiError as exc:
        print(f"微信拒绝了菜单：{exc}", file=sys.stderr)
        return 1
    names = [b["name"] + ("（" + "/".join(s["name"] for s in b["sub_button"]) + "）"
                          if b.get("sub_button") else "") for b in spec["button"]]
    print("已更新公众号菜单：" + " · ".join(names))
    return 0


def run_course_qr(settings: Settings, code: str, out: Path) -> int:
    """A parametric 公众号 QR code whose scan opens the course in the chat, written as a PNG."""
    if not valid_code(code):
        print(f"课程编号不能放进二维码：{code}", file=sys.stderr)
        return 2
    api = _api(settings)
    if api is None:
        return 2
    try:
        answer = asyncio.run(api.create_qrcode(COURSE_PREFIX + code))
    except WechatApiError as exc:
        print(f"微信拒绝生成二维码：{exc}", file=sys.stderr)
        return 1
    print(make_qr_png(answer["url"], out))
    return 0


def cmd_menu(args) -> int:
    """`linli wechat menu`."""
    return run_menu(get_settings())


def add_commands(sub) -> None:
    """`linli wechat menu`."""
    wechat = sub.add_parser("wechat", help="微信公众号：自定义菜单")
    wechat_sub = wechat.add_subparsers(dest="action", required=True)
    wechat_sub.add_parser("menu", help="发布菜单：服务菜单 · 我的报名 · 更多").set_defaults(func=cmd_menu)
