"""Per-account dialog state and the ids of updates already handled."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel

from store.clock import utcnow


class DialogState(SQLModel, table=True):
    """Where one channel account is in the conversation, and the choices last shown."""

    __tablename__ = "dialog_state"

    account_id: int = Field(foreign_key="channel_account.id", primary_key=True)
    expect: str = Field(default="", max_length=40)  # what free text means now ("" = search)
    data: str = Field(default="{}")  # JSON: last reply, choice payloads, flow data
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class ProcessedUpdate(SQLModel, table=True):
    """An incoming update already taken, so retries and duplicates are dropped."""

    __tablename__ = "processed_update"

    channel: str = Field(primary_key=True, max_length=20)
    update_key: str = Field(primary_key=True, max_length=160)
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
