"""One-time codes that link a second channel account to a resident."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel

from store.clock import utcnow


class LinkCode(SQLModel, table=True):
    """A 6-digit code shown in one channel and typed in another; good once, until expires_at."""

    __tablename__ = "link_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, max_length=6)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class LinkFailure(SQLModel, table=True):
    """A wrong code typed by an account; recent ones throttle guessing."""

    __tablename__ = "link_failure"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="channel_account.id", index=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
