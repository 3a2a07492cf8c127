"""`linli group create` (a WeCom group chat for a community or grid) and `linli group list`."""
from __future__ import annotations

import asyncio
import sys
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.clock import utcnow
from bot.dialogs.formatting import to_local
from bot.handlers.wecom.client import WecomApi, WecomApiError
from bot.handlers.wecom.groups import create_group_chat
from store.db import Database
from store.groups import all_groups, bind_wecom_group

CHANNEL_NAMES = {"telegram": "Telegram", "wecom_group": "企业微信"}


def _members(raw: str) -> list[str]:
    return [m.strip() for m in (raw or "").replace("，", ",").split(",") if m.strip()]


async def create_wecom_group(api: WecomApi, db: Database, community: str, grid: str, owner: str,
                             members: list[str], name: str = "") -> str:
    """Create a WeCom group chat and bind it to the community and grid; returns its chat id."""
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
