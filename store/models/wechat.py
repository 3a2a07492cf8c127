"""WeChat users' windows: when each 公众号 follower or 微信客服 customer last wrote, and what followed."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel


class WechatWindow(SQLModel, table=True):
    """An account's last inbound message, in UTC: free-form messages may follow for 48 h
    (微信客服: at most 5 of them, counted in sent_since_inbound)."""

    __tablename__ = "wechat_window"

    account_id: int = Field(primary_key=True, foreign_key="channel_account.id")
    last_inbound_at: NaiveDatetime
    sent_since_inbound: int = 0
