"""`linli chat`, `linli serve` and `linli demo`: running the bot, and a catalogue to try it on."""
from __future__ import annotations

import argparse
import json
import os

from bot.app import build_dialogs, open_database
from bot.handlers.console import run_console
from bot.heap import limit_arenas
from bot.settings import get_settings
from store.demo import load_demo


def cmd_chat(args: argparse.Namespace) -> int:
    """Talk to the bot in this terminal."""
    run_console(build_dialogs(get_settings()), args.user)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the configured channels until stopped."""
    # The web server, the scheduler and the channels' libraries load only for `linli serve`.
    from bot.serve import serve
    settings = get_settings()
    if "MALLOC_ARENA_MAX" not in os.environ:  # the environment, when it says, wins
        limit_arenas(settings.general.malloc_arenas)  # before the turn threads start
    return serve(settings)


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo catalogue (idempotent)."""
    counts = load_demo(open_database(get_settings()))
    print(json.dumps(counts, ensure_ascii=False))
    return 0


def add_commands(sub) -> None:
    """`linli chat`, `linli serve`, `linli demo`."""
    chat = sub.add_parser("chat", help="在终端里和机器人对话")
    chat.add_argument("--user", default="local", help="终端用户的编号")
    chat.set_defaults(func=cmd_chat)
    sub.add_parser("serve", help="运行已配置的渠道").set_defaults(func=cmd_serve)
    sub.add_parser("demo", help="载入演示课程目录").set_defaults(func=cmd_demo)
