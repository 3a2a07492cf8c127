"""The `linli` command: chat, serve, demo, import."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.settings import get_settings


def cmd_chat(args: argparse.Namespace) -> int:
    """Talk to the bot in this terminal."""
    from bot.app import build_dialogs
    from bot.handlers.console import run_console
    run_console(build_dialogs(get_settings()), args.user)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the configured channels until stopped."""
    from bot.serve import serve
    return serve(get_settings())


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo catalogue (idempotent)."""
    from bot.app import open_database
    from store.demo import load_demo
    counts = load_demo(open_database(get_settings()))
    print(json.dumps(counts, ensure_ascii=False))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a catalogue file; a bad file is rejected whole with every problem listed."""
    from bot.app import open_database
    from store.catalog_import import CatalogImportError, import_catalog
    settings = get_settings()
    path = Path(args.file)
    if not path.exists():
        print(f"找不到文件：{path}", file=sys.stderr)
        return 2
    try:
        report = import_catalog(open_database(settings), path, settings.general.timezone)
    except CatalogImportError as exc:
        print("导入失败，文件未做任何改动：", file=sys.stderr)
        print(exc.format_problems(), file=sys.stderr)
        return 1
    print(json.dumps(report if isinstance(report, dict) else vars(report), ensure_ascii=False, default=str))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="linli", description="邻里：文体服务聊天前台")
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="在终端里和机器人对话")
    chat.add_argument("--user", default="local", help="终端用户的编号")
    chat.set_defaults(func=cmd_chat)
    sub.add_parser("serve", help="运行已配置的渠道").set_defaults(func=cmd_serve)
    sub.add_parser("demo", help="载入演示课程目录").set_defaults(func=cmd_demo)
    imp = sub.add_parser("import", help="导入数据")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    catalog = imp_sub.add_parser("catalog", help="导入课程目录（CSV 或 XLSX）")
    catalog.add_argument("file")
    catalog.set_defaults(func=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
