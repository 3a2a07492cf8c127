"""Family links: a relative who manages an elder's sign-ups, and the one-time codes that make them."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from store.clock import utcnow


class FamilyCode(SQLModel, table=True):
    """A 6-digit code the elder (or staff for them) gives a relative; good once, until expires_at."""

    __tablename__ = "family_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, max_length=6)
    elder_id: int = Field(foreign_key="resident.id", index=True)
    created_by: int = Field(foreign_key="resident.id")
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None
    used_by: int | None = Field(default=None, foreign_key="resident.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class FamilyLink(SQLModel, table=True):
    """A relative (member_id) may act for the elder (elder_id) until the elder removes the link."""

    __tablename__ = "family_link"
    __table_args__ = (
        Index("uq_family_link_live", "elder_id", "member_id", unique=True,
              sqlite_where=text("removed_at IS NULL"), postgresql_where=text("removed_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    elder_id: int = Field(foreign_key="resident.id", index=True)
    member_id: int = Field(foreign_key="resident.id", index=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    removed_at: NaiveDatetime | None = None
