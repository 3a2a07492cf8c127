"""`linli group create` (a WeCom group chat for a community or grid), `linli group list`, and the
customer-group commands (customers.py)."""
from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from bot.app import open_database
from bot.cli.group.customers import add_customer_commands
from bot.clock import utcnow
from bot.dialogs.formatting import to_local
from bot.settings import get_settings
from store.db import Database
from store.groups import all_groups, bind_wecom_group

if TYPE_CHECKING:
    from bot.handlers.wecom.client import WecomApi

CHANNEL_NAMES = {"telegram": "Telegram", "wecom_group": "企业微信", "wecom_customer_chat": "企业微信客户群"}


def _members(raw: str) -> list[str]:
    return [m.strip() for m in (raw or "").replace("，", ",").split(",") if m.strip()]


async def create_wecom_group(api: WecomApi, db: Database, community: str, grid: str, owner: str,
                             members: list[str], name: str = "") -> str:
    """Create a WeCom group chat and bind it to the community and grid; returns its chat id."""
    # The WeCom client (wechatpy, requests) loads only when a group is made, not for every command.
    from bot.handlers.wecom.groups import create_group_chat
    title = name or f"{community}{grid}通知群"
    chat_id = await create_group_chat(api, db, community, grid, title, owner, members)

    def bind() -> None:
        with db.session() as session:
            bind_wecom_group(session, chat_id, community, grid, title, None, utcnow())

    await asyncio.to_thread(bind)
    return chat_id


def run_create(api: WecomApi, db: Database, community: str, grid: str, owner: str, members: str,
               name: str = "", out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """The create command: 0 on success, 2 on bad input, 1 when WeCom refused."""
    from bot.handlers.wecom.client import WecomApiError  # deferred like create_group_chat above
    community, grid, owner = community.strip(), (grid or "").strip(), owner.strip()
    if not community or not owner:
        print("社区和群主都必须填写。", file=err)
        return 2
    people = _members(members)
    if len(set([owner, *people])) < 2:
        print("群里至少要有两个人：群主和至少一位成员。", file=err)
        return 2
    try:
        chat_id = asyncio.run(create_wecom_group(api, db, community, grid, owner, people, name))
    except ValueError as exc:
        print(f"无法建群：{exc}", file=err)
        return 2
    except WecomApiError as exc:
        print(f"企业微信拒绝建群：{exc}", file=err)
        return 1
    print(f"已建群并绑定到 {community} {grid}".rstrip() + f"：{chat_id}", file=out)
    return 0


def print_groups(db: Database, timezone_name: str = "Asia/Shanghai", out: TextIO = sys.stdout) -> int:
    """Every group the bot knows: channel, community, grid, title, state, when bound."""
    zone = ZoneInfo(timezone_name)
    with db.session() as session:
        rows = all_groups(session)
    if not rows:
        print("还没有群。", file=out)
        return 0
    for group, account in rows:
        if group.active and not account.unreachable:
            state = "正常"
        elif group.community:
            state = "已停用"
        else:
            state = "未绑定"
        bound = to_local(group.bound_at, zone).strftime("%Y-%m-%d %H:%M") if group.bound_at else "-"
        print("\t".join([CHANNEL_NAMES.get(account.channel, account.channel), account.external_id,
                         group.community or "-", group.grid or "-", group.title or "-", state, bound]),
              file=out)
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    """Create a WeCom group chat bound to a community or grid; 2 when WeCom is not configured."""
    from bot.handlers.wecom.client import build_api  # deferred like create_group_chat above
    settings = get_settings()
    db = open_database(settings)
    try:
        api = build_api(settings.wecom, db)
    except ValueError as exc:
        print(f"企业微信未配置：{exc}", file=sys.stderr)
        return 2
    return run_create(api, db, args.community, args.grid, args.owner, args.members, args.name)


def cmd_list(args: argparse.Namespace) -> int:
    """Every community group chat the bot is in."""
    settings = get_settings()
    return print_groups(open_database(settings), settings.general.timezone)


def add_commands(sub) -> None:
    """`linli group create` and `linli group list`."""
    group = sub.add_parser("group", help="社区群：建企业微信群、客户群绑定、查看所有群")
    group_sub = group.add_subparsers(dest="action", required=True)
    create = group_sub.add_parser("create", help="为社区或网格建企业微信群，建好即绑定")
    create.add_argument("--community", required=True, help="社区名称")
    create.add_argument("--grid", default="", help="网格名称（默认整个社区）")
    create.add_argument("--owner", required=True, help="群主的企业微信 userid")
    create.add_argument("--members", required=True, help="其他成员的 userid，用逗号分隔")
    create.add_argument("--name", default="", help="群名（默认“社区网格通知群”）")
    create.set_defaults(func=cmd_create)
    group_sub.add_parser("list", help="列出机器人所在的群").set_defaults(func=cmd_list)
    add_customer_commands(group_sub)
