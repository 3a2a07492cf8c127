"""WeCom (企业微信) tables: the shared access token cache and the group chats of grids."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel

from store.clock import utcnow


class WecomToken(SQLModel, table=True):
    """A cached credential (the access token) every worker reads, with its expiry in UTC."""

    __tablename__ = "wecom_token"

    key: str = Field(primary_key=True, max_length=160)
    value: str = Field(max_length=2000)
    expires_at: NaiveDatetime | None = None
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class WecomGroupChat(SQLModel, table=True):
    """A WeCom group chat (appchat) the bot created for a community or one of its grids."""

    __tablename__ = "wecom_group_chat"

    chat_id: str = Field(primary_key=True, max_length=32)
    community: str = Field(index=True, max_length=60)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    grid: str = Field(default="", max_length=60)
    name: str = Field(max_length=50)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class WecomKfCursor(SQLModel, table=True):
    """How far linli has read one 微信客服 account's messages (kf/sync_msg's next_cursor)."""

    __tablename__ = "wecom_kf_cursor"

    open_kfid: str = Field(primary_key=True, max_length=64)
    cursor: str = Field(default="", max_length=200)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
