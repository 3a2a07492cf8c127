"""Roles of people (not of channel accounts), invite codes for them, and the audit log."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.clock import utcnow

VOLUNTEER = "volunteer"
GRID_STAFF = "grid_staff"
ORGANIZER = "organizer"
ADMIN = "admin"
ROLES = (VOLUNTEER, GRID_STAFF, ORGANIZER, ADMIN)


class RoleGrant(SQLModel, table=True):
    """A role a resident holds, optionally limited to one unit and its subtree (or one community)."""

    __tablename__ = "role_grant"
    __table_args__ = (Index("uq_role_grant", "resident_id", "role", "community", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    role: str = Field(max_length=20)
    community: str = Field(default="", max_length=60)  # the unit's name when unit_id is set
    # The unit the role covers, with everything under it; None with community "" = everywhere.
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    granted_by: str = Field(default="", max_length=100)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class InviteCode(SQLModel, table=True):
    """A one-time code that gives the person who types it a role."""

    __tablename__ = "invite_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    role: str = Field(max_length=20)
    community: str = Field(default="", max_length=60)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    created_by: str = Field(default="", max_length=100)
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None
    used_by: int | None = Field(default=None, foreign_key="resident.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Who did what to what, and when: every staff action and every refused attempt."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor_resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    actor: str = Field(default="", max_length=100)  # "cli", "telegram:123" …
    action: str = Field(max_length=60, index=True)
    target: str = Field(default="", max_length=120)
    detail: str = Field(default="", max_length=2000)
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
