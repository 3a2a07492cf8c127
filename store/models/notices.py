"""Grid notices: community group chats, their bind codes, notices and private subscriptions."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow

# Notice.target_kind
GRID = "grid"
COMMUNITY = "community"
ALL = "all"
# Notice.status
SCHEDULED = "scheduled"
SENT = "sent"
CANCELLED = "cancelled"

TEXT_MAX = 1000


class CommunityGroup(SQLModel, table=True):
    """A group chat the bot is in, bound to a community (and maybe one grid of it).

    The chat itself is a ChannelAccount (a Telegram group id, a WeCom appchat id) owned by a
    placeholder resident, so the outbox delivers to it like to anyone else.
    """

    __tablename__ = "community_group"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="channel_account.id", unique=True)
    community: str = Field(default="", max_length=60, index=True)  # "" until bound
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    grid: str = Field(default="", max_length=60)
    title: str = Field(default="", max_length=100)
    bound_by: int | None = Field(default=None, foreign_key="resident.id")
    bound_at: NaiveDatetime | None = None
    active: bool = False  # bound, and the bot is still in the group
    removed_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class GroupBindCode(SQLModel, table=True):
    """A one-time code a grid worker types in a group to bind it to a community and grid."""

    __tablename__ = "group_bind_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    community: str = Field(max_length=60)
    grid: str = Field(default="", max_length=60)
    created_by: int = Field(foreign_key="resident.id", index=True)
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None
    group_id: int | None = Field(default=None, foreign_key="community_group.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class Notice(SQLModel, table=True):
    """A notice a grid worker or organizer sent (or scheduled) to groups and subscribers."""

    __tablename__ = "notice"

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="resident.id", index=True)
    text: str = Field(max_length=TEXT_MAX)
    target_kind: str = Field(max_length=10)
    community: str = Field(default="", max_length=60)  # "" when target_kind is all
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    grid: str = Field(default="", max_length=60)
    send_at: NaiveDatetime
    urgent: bool = False
    status: str = Field(default=SCHEDULED, max_length=10)
    groups: int = 0       # group rows queued
    subscribers: int = 0  # private rows queued
    cancelled_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)


class NoticeSubscription(SQLModel, table=True):
    """A resident who wants a community's notices in private chat too."""

    __tablename__ = "notice_subscription"
    __table_args__ = (UniqueConstraint("resident_id", "community"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    community: str = Field(max_length=60, index=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
