"""WeCom group chats for grid notices: create one for a community or grid, post text to it."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable

from bot.handlers.wecom.client import WecomApi
from bot.handlers.wecom.render import split_text
from store.db import Database
from store.wecom_groups import record_group_chat

NAME_MAX = 50        # WeCom cuts longer chat names
MEMBERS_MAX = 2000   # members of one application group chat


def new_chat_id() -> str:
    """A chat id WeCom accepts: at most 32 letters and digits."""
    return uuid.uuid4().hex


async def create_group_chat(api: WecomApi, db: Database, community: str, grid: str, name: str,
                            owner: str, users: Iterable[str]) -> str:
    """Create the chat in WeCom, remember its community and grid; returns the chat id."""
    members = list(dict.fromkeys([owner, *users]))
    if len(members) < 2:
        raise ValueError("a WeCom group chat needs at least two members")
    if len(members) > MEMBERS_MAX:
        raise ValueError(f"a WeCom group chat holds at most {MEMBERS_MAX} members")
    name = name[:NAME_MAX]
    chat_id = await api.appchat_create(new_chat_id(), name, owner, members)

    def record() -> None:
        with db.session() as session:
            record_group_chat(session, chat_id, community, grid, name)

    await asyncio.to_thread(record)
    return chat_id


async def send_to_group(api: WecomApi, chat_id: str, text: str) -> None:
    """Post text to a group chat, in several messages when it is long."""
    for part in split_text(text):
        await api.appchat_send_text(chat_id, part)
