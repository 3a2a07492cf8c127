"""WeChat 公众号 tables: when each follower last wrote (the 48-hour window of 客服消息)."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel


class WechatWindow(SQLModel, table=True):
    """A 公众号 account's last inbound message, in UTC: free-form messages may follow for 48 h."""

    __tablename__ = "wechat_window"

    account_id: int = Field(primary_key=True, foreign_key="channel_account.id")
    last_inbound_at: NaiveDatetime
