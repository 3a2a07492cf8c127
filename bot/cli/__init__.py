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


def cmd_import_venues(args: argparse.Namespace) -> int:
    """Import venues and bookable rooms; a bad file is rejected whole with every problem listed."""
    from bot.app import open_database
    from store.venue_import import VenueImportError, import_venues
    path = Path(args.file)
    if not path.exists():
        print(f"找不到文件：{path}", file=sys.stderr)
        return 2
    try:
        report = import_venues(open_database(get_settings()), path)
    except VenueImportError as exc:
        print("导入失败，文件未做任何改动：", file=sys.stderr)
        print(exc.format_problems(), file=sys.stderr)
        return 1
    print(json.dumps(vars(report), ensure_ascii=False))
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    """List pushes in the outbox (--dead: only those that gave up)."""
    from bot.app import open_database
    from bot.cli.outbox import print_outbox
    settings = get_settings()
    print_outbox(open_database(settings), args.dead, timezone_name=settings.general.timezone)
    return 0


def cmd_ratings(args: argparse.Namespace) -> int:
    """优/良/中/差 counts, share of 优+良 and comments of a course or teacher."""
    from bot.app import open_database
    from bot.cli.ratings import print_ratings
    settings = get_settings()
    print_ratings(open_database(settings), course_code=args.course, teacher=args.teacher,
                  timezone_name=settings.general.timezone)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    """A month of residents' feedback by category, and the subjects wished for most."""
    from bot.cli.feedback import run_feedback
    return run_feedback(get_settings(), args.month)


def cmd_qr(args: argparse.Namespace) -> int:
    """A poster QR code that opens a course in the web chat."""
    from bot.app import open_database
    from bot.cli.qr import make_course_qr
    from store.catalog import course_by_code
    settings = get_settings()
    with open_database(settings).session() as s:
        if course_by_code(s, args.code) is None:
            print(f"没有找到课程：{args.code}", file=sys.stderr)
            return 2
    if args.wechat:
        from bot.cli.wechat import run_course_qr
        return run_course_qr(settings, args.code, Path(args.out))
    try:
        out = make_course_qr(args.base_url or settings.web.public_url, args.code, Path(args.out))
    except ValueError as exc:
        print(f"无法生成二维码：{exc}", file=sys.stderr)
        return 2
    print(out)
    return 0


def cmd_grant(args: argparse.Namespace) -> int:
    """Give someone a role by their channel id (the account is made if they never wrote)."""
    from bot.app import open_database
    from bot.cli.staff import grant
    fresh = grant(open_database(get_settings()), args.role, args.channel, args.id, args.community)
    where = args.community or "全区"
    print(f"已授予 {args.channel}:{args.id} {args.role}（范围：{where}）" if fresh
          else f"{args.channel}:{args.id} 已有 {args.role}（范围：{where}），未改动")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    """Print a one-time invite code for a role."""
    from bot.app import open_database
    from bot.cli.staff import invite
    from store.roles import INVITE_TTL
    code = invite(open_database(get_settings()), args.role, args.community)
    print(code)
    print(f"一次性邀请码，{INVITE_TTL.days} 天内有效。请对方给机器人发：邀请码 {code}", file=sys.stderr)
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    """Create or update a service team and its leader."""
    from bot.app import open_database
    from bot.cli.staff import team
    saved = team(open_database(get_settings()), args.name, args.kind, args.channel, args.id, args.community)
    print(f"服务队伍【{saved.name}】已保存，负责人 {args.channel}:{args.id}")
    return 0


def cmd_import_services(args: argparse.Namespace) -> int:
    """Import the services residents can order; a bad file is rejected whole."""
    from bot.app import open_database
    from store.services_import import ServicesImportError, import_services
    path = Path(args.file)
    if not path.exists():
        print(f"找不到文件：{path}", file=sys.stderr)
        return 2
    try:
        report = import_services(open_database(get_settings()), path)
    except ServicesImportError as exc:
        print("导入失败，文件未做任何改动：", file=sys.stderr)
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False))
    return 0


def cmd_group(args: argparse.Namespace) -> int:
    """Community group chats: create a WeCom one bound to a community or grid, or list them all."""
    from bot.app import open_database
    from bot.cli.group import print_groups, run_create
    settings = get_settings()
    db = open_database(settings)
    if args.action == "list":
        return print_groups(db, settings.general.timezone)
    from bot.handlers.wecom.client import build_api
    try:
        api = build_api(settings.wecom, db)
    except ValueError as exc:
        print(f"企业微信未配置：{exc}", file=sys.stderr)
        return 2
    return run_create(api, db, args.community, args.grid, args.owner, args.members, args.name)

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
    venues = imp_sub.add_parser("venues", help="导入场馆和可预约房间（CSV 或 XLSX）")
    venues.add_argument("file")
    venues.set_defaults(func=cmd_import_venues)
    outbox = sub.add_parser("outbox", help="查看待发送的推送")
    outbox.add_argument("--dead", action="store_true", help="只看发送失败、已放弃的推送")
    outbox.set_defaults(func=cmd_outbox)
    ratings = sub.add_parser("ratings", help="课程或讲师的满意度评价")
    who = ratings.add_mutually_exclusive_group()
    who.add_argument("--course", help="课程编号")
    who.add_argument("--teacher", help="讲师姓名")
    ratings.set_defaults(func=cmd_ratings)
    feedback = sub.add_parser("feedback", help="居民意见反馈的月度汇总")
    feedback.add_argument("--month", default=None, help="月份，如 2026-12（默认本月）")
    feedback.set_defaults(func=cmd_feedback)
    qr = sub.add_parser("qr", help="生成海报二维码")
    qr_sub = qr.add_subparsers(dest="what", required=True)
    qr_course = qr_sub.add_parser("course", help="打开某门课程的二维码")
    qr_course.add_argument("code")
    qr_course.add_argument("--out", required=True, help="PNG 文件路径")
    qr_course.add_argument("--base-url", default=None, help="网页聊天的地址（默认取 web.public_url）")
    qr_course.add_argument("--wechat", action="store_true", help="公众号带参数二维码：扫码关注后直接打开课程")
    qr_course.set_defaults(func=cmd_qr)
    from bot.cli.staff import CHANNELS
    from store.models.orders import TEAM_KINDS
    from store.models.staff import ROLES
    services = imp_sub.add_parser("services", help="导入可点单的服务（CSV 或 XLSX：code,name,kind,description）")
    services.add_argument("file")
    services.set_defaults(func=cmd_import_services)
    grant = sub.add_parser("grant", help="给某人授予身份")
    grant.add_argument("role", choices=ROLES)
    grant.add_argument("--channel", required=True, choices=CHANNELS)
    grant.add_argument("--id", required=True, help="此人在该渠道的编号")
    grant.add_argument("--community", default="", help="只在这个社区有效（默认全区）")
    grant.set_defaults(func=cmd_grant)
    invite = sub.add_parser("invite", help="生成一次性邀请码")
    invite.add_argument("role", choices=ROLES)
    invite.add_argument("--community", default="", help="只在这个社区有效（默认全区）")
    invite.set_defaults(func=cmd_invite)
    team = sub.add_parser("team", help="添加或修改服务队伍（派单对象）")
    team.add_argument("name")
    team.add_argument("--kind", default="volunteer", choices=TEAM_KINDS)
    team.add_argument("--channel", required=True, choices=CHANNELS, help="负责人所在渠道")
    team.add_argument("--id", required=True, help="负责人在该渠道的编号")
    team.add_argument("--community", default="", help="只服务这个社区（默认全区）")
    team.set_defaults(func=cmd_team)
    group = sub.add_parser("group", help="社区群：建企业微信群、查看所有群")
    group_sub = group.add_subparsers(dest="action", required=True)
    group_new = group_sub.add_parser("create", help="为社区或网格建企业微信群，建好即绑定")
    group_new.add_argument("--community", required=True, help="社区名称")
    group_new.add_argument("--grid", default="", help="网格名称（默认整个社区）")
    group_new.add_argument("--owner", required=True, help="群主的企业微信 userid")
    group_new.add_argument("--members", required=True, help="其他成员的 userid，用逗号分隔")
    group_new.add_argument("--name", default="", help="群名（默认“社区网格通知群”）")
    group_new.set_defaults(func=cmd_group)
    group_sub.add_parser("list", help="列出机器人所在的群").set_defaults(func=cmd_group)
    from bot.cli import db, report, vote, webhook
    vote.add_commands(sub)
    report.add_commands(sub)
    webhook.add_commands(sub)
    db.add_commands(sub)
    from bot.cli import wechat
    wechat.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    from bot.observability.logs import setup_logging
    args = build_parser().parse_args(argv)
    if args.command == "chat":  # the terminal is the conversation: only warnings, plainly
        setup_logging(logging.WARNING, human=True)
    else:
        setup_logging(logging.INFO)
    from bot.schema import SchemaNotReady
    try:
        return args.func(args)
    except SchemaNotReady as refused:
        print(refused, file=sys.stderr)
        return 2


