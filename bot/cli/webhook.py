"""`linli webhook set URL | delete | info`: register the Telegram webhook with its secret token."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings, get_settings


async def _run(settings: Settings, action: str, url: str | None) -> Any:
    # python-telegram-bot loads only for this command: the others, `linli chat` first, start without it.
    from bot.handlers.telegram.webhook import build_bot, set_webhook
    async with build_bot(settings) as bot:
        if action == "set":
            return await set_webhook(bot, settings, url or "")
        if action == "delete":
            return await bot.delete_webhook()
        info = await bot.get_webhook_info()
        return {"url": info.url, "pending_update_count": info.pending_update_count,
                "last_error_message": info.last_error_message,
                "allowed_updates": list(info.allowed_updates or [])}


def run_webhook_command(settings: Settings, action: str, url: str | None = None) -> int:
    """Do one webhook action and print its result; 2 on a settings problem, 1 when Telegram refuses."""
    from telegram.error import TelegramError  # deferred like the bot in _run
    if action == "set":
        path = urlsplit(url or "").path
        if path != settings.telegram.webhook_path:
            print(f"注意：地址路径 {path or '/'} 与 telegram.webhook_path "
                  f"{settings.telegram.webhook_path} 不同（除非反向代理改写了路径）", file=sys.stderr)
    try:
        result = asyncio.run(_run(settings, action, url))
    except ValueError as exc:
        print(f"无法设置：{exc}", file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(f"Telegram 拒绝了请求：{exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_webhook(args: argparse.Namespace) -> int:
    """`linli webhook …`."""
    return run_webhook_command(get_settings(), args.action, getattr(args, "url", None))


def add_commands(sub) -> None:
    """`linli webhook set URL`, `linli webhook delete`, `linli webhook info`."""
    hook = sub.add_parser("webhook", help="Telegram webhook：设置、删除、查看")
    hook_sub = hook.add_subparsers(dest="action", required=True)
    set_ = hook_sub.add_parser("set", help="让 Telegram 把消息推到这个 https 地址（带密钥）")
    set_.add_argument("url", help="公网地址，如 https://bot.example.org/telegram/webhook")
    set_.set_defaults(func=cmd_webhook)
    hook_sub.add_parser("delete", help="取消 webhook（回到 polling）").set_defaults(func=cmd_webhook)
    hook_sub.add_parser("info", help="查看 Telegram 记录的 webhook 状态").set_defaults(func=cmd_webhook)
