"""`linli group sync`, `linli group bind` and `linli group contact-way`: grid workers' WeCom
customer groups (客户群) bound to communities, and 联系我 codes that link residents to one."""
from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any, TextIO

from bot.app import open_database
from bot.clock import utcnow
from bot.settings import get_settings
from store.customer_groups import (bind_customer_group, grid_workers_on_wecom, new_state, record_contact_way,
                                   record_synced, synced_groups)
from store.db import Database

if TYPE_CHECKING:
    from bot.handlers.wecom.client import WecomApi

OWNERS_PER_CALL = 100  # groupchat/list takes up to 100 owners in its filter


async def fetch_customer_groups(api: WecomApi, owners: list[str]) -> list[dict[str, Any]]:
    """Every customer group the owners own: chat id, name, owner, member count."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(owners), OWNERS_PER_CALL):
        cursor = ""
        while True:
            page = await api.groupchat_list(owners[start:start + OWNERS_PER_CALL], cursor)
            for item in page.get("group_chat_list") or []:
                chat = await api.groupchat_get(item["chat_id"])
                found.append({"chat_id": item["chat_id"], "name": chat.get("name") or "",
                              "owner": chat.get("owner") or "", "member_count": len(chat.get("member_list") or [])})
            cursor = page.get("next_cursor") or ""
            if not cursor:
                break
    return found


def print_customer_groups(db: Database, out: TextIO = sys.stdout) -> int:
    """The synced customer groups, numbered: chat id, name, owner, members, binding."""
    with db.session() as session:
        rows = [(g.chat_id, g.name, g.owner, g.member_count,
                 (f"{bound.community} {bound.grid}".strip() if bound is not None and bound.active else "未绑定"))
                for g, bound in synced_groups(session)]
    if not rows:
        print("还没有客户群。", file=out)
        return 0
    for n, (chat_id, name, owner, members, binding) in enumerate(rows, 1):
        print(f"{n}\t{chat_id}\t{name or '-'}\t群主 {owner}\t{members} 人\t{binding}", file=out)
    return 0


def run_sync(api: WecomApi, db: Database, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """The sync command: 0 when listed and saved, 2 when there is nobody to ask, 1 when WeCom refused."""
    from bot.handlers.wecom.client import WecomApiError  # the WeCom client loads only when used
    with db.session() as session:
        owners = grid_workers_on_wecom(session)
    if not owners:
        print("没有绑定企业微信的网格员：先用 linli grant grid_staff --channel wecom --id USERID 授权。", file=err)
        return 2
    try:
        found = asyncio.run(fetch_customer_groups(api, owners))
    except WecomApiError as exc:
        print(f"企业微信拒绝读取客户群，未做任何更改：{exc}", file=err)
        return 1
    with db.session() as session:
        new = record_synced(session, found, utcnow())
    print(f"网格员 {len(owners)} 人，客户群 {len(found)} 个（新发现 {new} 个）：", file=out)
    print_customer_groups(db, out)
    print("用 linli group bind CHAT_ID --community 社区 [--grid 网格] 把客户群绑定到社区或网格。", file=out)
    return 0


def run_bind(db: Database, chat_id: str, community: str, grid: str = "", out: TextIO = sys.stdout,
             err: TextIO = sys.stderr) -> int:
    """The bind command: 0 when bound, 2 for an unknown chat id or a missing community."""
    chat_id, community, grid = chat_id.strip(), community.strip(), (grid or "").strip()
    if not community:
        print("社区必须填写。", file=err)
        return 2
    with db.session() as session:
        group = bind_customer_group(session, chat_id, community, grid, utcnow())
        if group is None:
            session.rollback()
            print(f"没有这个客户群：{chat_id}。先运行 linli group sync，再用列出的 chat_id 绑定。", file=err)
            return 2
        title = group.title
    print(f"已绑定：{title or chat_id} → {community} {grid}".rstrip(), file=out)
    return 0


def run_contact_way(api: WecomApi, db: Database, community: str, user: str, out: TextIO = sys.stdout,
                    err: TextIO = sys.stderr) -> int:
    """The contact-way command: 0 with the QR code's address, 2 on bad input, 1 when WeCom refused."""
    from bot.handlers.wecom.client import WecomApiError
    community, user = community.strip(), user.strip()
    if not community or not user:
        print("社区和网格员的企业微信 userid 都必须填写。", file=err)
        return 2
    state = new_state()
    try:
        made = asyncio.run(api.add_contact_way(user, state, f"{community}居民"))
    except WecomApiError as exc:
        print(f"企业微信拒绝生成联系我二维码，未做任何更改：{exc}", file=err)
        return 1
    with db.session() as session:
        record_contact_way(session, state, community, user, made.get("config_id") or "",
                           made.get("qr_code") or "", utcnow())
    print(f"{user} 的联系我二维码（扫码添加的居民归入{community}）：{made.get('qr_code') or '-'}", file=out)
    return 0


def _api_or_none(db: Database):
    from bot.handlers.wecom.client import build_api
    try:
        return build_api(get_settings().wecom, db)
    except ValueError as exc:
        print(f"企业微信未配置：{exc}", file=sys.stderr)
        return None


def cmd_sync(args: argparse.Namespace) -> int:
    """List the grid workers' customer groups from WeCom and save them."""
    db = open_database(get_settings())
    api = _api_or_none(db)
    return 2 if api is None else run_sync(api, db)


def cmd_bind(args: argparse.Namespace) -> int:
    """Bind a synced customer group to a community and grid."""
    return run_bind(open_database(get_settings()), args.chat_id, args.community, args.grid)


def cmd_customers(args: argparse.Namespace) -> int:
    """The synced customer groups and their bindings."""
    return print_customer_groups(open_database(get_settings()))


def cmd_contact_way(args: argparse.Namespace) -> int:
    """A grid worker's 联系我 QR code whose residents belong to a community."""
    db = open_database(get_settings())
    api = _api_or_none(db)
    return 2 if api is None else run_contact_way(api, db, args.community, args.user)


def add_customer_commands(group_sub) -> None:
    """The customer-group subcommands of `linli group`."""
    group_sub.add_parser("sync", help="从企业微信读取网格员的客户群").set_defaults(func=cmd_sync)
    group_sub.add_parser("customers", help="列出已读取的客户群及其绑定").set_defaults(func=cmd_customers)
    bind = group_sub.add_parser("bind", help="把客户群绑定到社区或网格")
    bind.add_argument("chat_id", help="客户群 chat_id（见 linli group sync）")
    bind.add_argument("--community", required=True, help="社区名称")
    bind.add_argument("--grid", default="", help="网格名称（默认整个社区）")
    bind.set_defaults(func=cmd_bind)
    way = group_sub.add_parser("contact-way", help="生成网格员的联系我二维码，扫码添加的居民归入社区")
    way.add_argument("--community", required=True, help="社区名称")
    way.add_argument("--user", required=True, help="网格员的企业微信 userid")
    way.set_defaults(func=cmd_contact_way)
