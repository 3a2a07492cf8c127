"""The web chat's message store (recent turns, pushes waiting to be shown) and its issued sessions."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.clock import utcnow

SAID = "said"    # what the resident typed or pressed
REPLY = "reply"  # the bot's answer to it
PUSH = "push"    # a reminder or notice the outbox delivered while the page was closed


class WebInboxMessage(SQLModel, table=True):
    """One message of a web chat; a push stays unfetched until the page shows it."""

    __tablename__ = "web_inbox"
    __table_args__ = (Index("ix_web_inbox_account", "account_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="channel_account.id")
    kind: str = Field(default=PUSH, max_length=10)
    message_id: str = Field(default="", max_length=64)  # the page's id of the message answered
    payload: str  # JSON of a Reply (for SAID: {"text": ...})
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    fetched_at: NaiveDatetime | None = None


class WebSession(SQLModel, table=True):
    """A session token the server issued, kept only as its SHA-256 (the web account's external_id)."""

    __tablename__ = "web_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    issued_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    # Set when the resident behind it linked accounts: the browser gets a new token on its next call.
    rotate: bool = False
