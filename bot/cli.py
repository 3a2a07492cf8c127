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


def cmd_outbox(args: argparse.Namespace) -> int:
    """List pushes in the outbox (--dead: only those that gave up)."""
    from bot.app import open_database
    from bot.outbox_cli import print_outbox
    settings = get_settings()
    print_outbox(open_database(settings), args.dead, timezone_name=settings.general.timezone)
    return 0


def cmd_ratings(args: argparse.Namespace) -> int:
    """优/良/中/差 counts, share of 优+良 and comments of a course or teacher."""
    from bot.app import open_database
    from bot.ratings_cli import print_ratings
    settings = get_settings()
    print_ratings(open_database(settings), course_code=args.course, teacher=args.teacher,
                  timezone_name=settings.general.timezone)
    return 0


def cmd_qr(args: argparse.Namespace) -> int:
    """A poster QR code that opens a course in the web chat."""
    from bot.app import open_database
    from bot.qr import make_course_qr
    from store.catalog import course_by_code
    settings = get_settings()
    with open_database(settings).session() as s:
        if course_by_code(s, args.code) is None:
            print(f"没有找到课程：{args.code}", file=sys.stderr)
            return 2
    try:
        out = make_course_qr(args.base_url or settings.web.public_url, args.code, Path(args.out))
    except ValueError as exc:
        print(f"无法生成二维码：{exc}", file=sys.stderr)
        return 2
    print(out)
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
    outbox = sub.add_parser("outbox", help="查看待发送的推送")
    outbox.add_argument("--dead", action="store_true", help="只看发送失败、已放弃的推送")
    outbox.set_defaults(func=cmd_outbox)
    ratings = sub.add_parser("ratings", help="课程或讲师的满意度评价")
    who = ratings.add_mutually_exclusive_group()
    who.add_argument("--course", help="课程编号")
    who.add_argument("--teacher", help="讲师姓名")
    ratings.set_defaults(func=cmd_ratings)
    qr = sub.add_parser("qr", help="生成海报二维码")
    qr_sub = qr.add_subparsers(dest="what", required=True)
    qr_course = qr_sub.add_parser("course", help="打开某门课程的二维码")
    qr_course.add_argument("code")
    qr_course.add_argument("--out", required=True, help="PNG 文件路径")
    qr_course.add_argument("--base-url", default=None, help="网页聊天的地址（默认取 web.public_url）")
    qr_course.set_defaults(func=cmd_qr)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
