"""Per-account dialog state and the ids of updates already handled."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel

from store.clock import utcnow


# DialogState.chat of the one-to-one chat between an account and the bot. A fixed marker rather
# than the account's own id: pushes and the migration of older rows need no join to find it, and no
# group chat id (Telegram's are negative numbers, WeCom's start with letters) can ever equal it.
PRIVATE_CHAT = "private"


class DialogState(SQLModel, table=True):
    """Where one channel account is in the conversation of one chat, and the choices last shown there."""

    __tablename__ = "dialog_state"

    account_id: int = Field(foreign_key="channel_account.id", primary_key=True)
    chat: str = Field(default=PRIVATE_CHAT, primary_key=True, max_length=128)  # a group's chat id
    expect: str = Field(default="", max_length=40)  # what free text means now ("" = search)
    data: str = Field(default="{}")  # JSON: last reply, choice payloads, flow data
    # The named state of a multi-step flow the chat is in ("" = none); its data is data[state].
    state: str = Field(default="", max_length=40)
    # When that named state lapses (None = never). Stored, not derived from updated_at: pushes
    # touch the row too, and a state's lifetime is fixed when it is entered, whatever the code says later.
    expires_at: NaiveDatetime | None = None
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class ProcessedUpdate(SQLModel, table=True):
    """An incoming update already taken, so retries and duplicates are dropped."""

    __tablename__ = "processed_update"

    channel: str = Field(primary_key=True, max_length=20)
    update_key: str = Field(primary_key=True, max_length=160)
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
