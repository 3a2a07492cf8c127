"""Residents and the channel accounts they write from."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow


class Resident(SQLModel, table=True):
    """A person; one or more channel accounts belong to them."""

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(default="", max_length=100)
    reminders_on: bool = True
    # Set when the person deleted their account: name and accounts are gone, their past rows stay.
    erased_at: NaiveDatetime | None = None
    community: str = Field(default="", max_length=60)  # 我的社区, as venues name it; "" when not chosen
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # the 服务点 of 我的社区
    # A phone of the person's own, as staff registered it: sealed (store/phones.py), with a keyed
    # digest of its last 4 digits so staff find the person by name and 尾号 without opening any number.
    phone: str = Field(default="", max_length=120)
    phone_tail: str = Field(default="", max_length=64, index=True)
    registered_by: int | None = Field(default=None, foreign_key="resident.id")  # staff, for a phoneless person
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class ChannelAccount(SQLModel, table=True):
    """A Telegram id, WeCom userid, web session or console user of a resident."""

    __tablename__ = "channel_account"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    external_id: str = Field(max_length=128)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    unreachable: bool = False
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    last_seen_at: NaiveDatetime = Field(default_factory=utcnow)
