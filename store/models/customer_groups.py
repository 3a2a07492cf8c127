"""WeCom customer groups (客户群) of grid workers, the 群发 tasks that reach them, and residents
added through a grid worker's 联系我 code."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow

# CustomerGroupSend.status
WAITING = "waiting"  # the task is queued or the worker has not confirmed it yet (待确认)
SENT = "sent"        # the worker confirmed and WeCom delivered to the group (已发送)
FAILED = "failed"    # WeCom could not deliver, or the task was refused (失败)


class CustomerGroup(SQLModel, table=True):
    """A customer group as the last `linli group sync` saw it."""

    __tablename__ = "customer_group"

    chat_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(default="", max_length=100)
    owner: str = Field(max_length=64, index=True)  # the grid worker's WeCom userid
    member_count: int = 0
    synced_at: NaiveDatetime = Field(default_factory=utcnow)


class CustomerGroupTask(SQLModel, table=True):
    """One 群发 task of one notice for the worker who owns the targeted groups."""

    __tablename__ = "customer_group_task"

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    owner: str = Field(max_length=64)
    outbox_key: str = Field(unique=True, max_length=160)  # the outbox row that creates it
    msgid: str = Field(default="", max_length=100)        # WeCom's id once the task exists
    error: str = Field(default="", max_length=500)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    sent_at: NaiveDatetime | None = None     # when WeCom accepted the task
    checked_at: NaiveDatetime | None = None  # when its outcome was last read


class CustomerGroupSend(SQLModel, table=True):
    """One targeted group of a task and what became of it."""

    __tablename__ = "customer_group_send"
    __table_args__ = (UniqueConstraint("task_id", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="customer_group_task.id", index=True)
    group_id: int = Field(foreign_key="community_group.id")
    chat_id: str = Field(max_length=64)
    status: str = Field(default=WAITING, max_length=10)
    sent_at: NaiveDatetime | None = None


class ContactWay(SQLModel, table=True):
    """A 联系我 code of one grid worker; its state names the community of whoever adds them."""

    __tablename__ = "contact_way"

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(unique=True, max_length=30)
    community: str = Field(max_length=60)
    user: str = Field(max_length=64)
    config_id: str = Field(default="", max_length=100)
    qr_code: str = Field(default="", max_length=500)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class ExternalContact(SQLModel, table=True):
    """A resident on WeChat who added a grid worker (an external contact), and their community."""

    __tablename__ = "external_contact"

    external_userid: str = Field(primary_key=True, max_length=64)
    account_id: int = Field(foreign_key="channel_account.id")
    community: str = Field(max_length=60, index=True)
    added_by: str = Field(max_length=64)
    state: str = Field(default="", max_length=30)
    added_at: NaiveDatetime = Field(default_factory=utcnow)
