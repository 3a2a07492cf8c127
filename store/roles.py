"""Granting and checking roles, invite codes, and writing the audit log."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from store.clock import utcnow
from store.models.staff import ADMIN, ROLES, AuditEntry, InviteCode, RoleGrant

INVITE_TTL = timedelta(days=3)
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud and retyped


def audit(session: Session, action: str, *, actor_resident_id: int | None = None, actor: str = "",
          target: str = "", detail: dict[str, Any] | str = "", now: datetime | None = None) -> None:
    """Append one line to the audit log."""
    text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False, default=str)
    session.add(AuditEntry(actor_resident_id=actor_resident_id, actor=actor[:100], action=action[:60],
                           target=target[:120], detail=text[:2000], created_at=now or utcnow()))


def roles_of(session: Session, resident_id: int) -> list[RoleGrant]:
    """Every role a resident holds."""
    return list(session.exec(select(RoleGrant).where(RoleGrant.resident_id == resident_id)))


def has_role(session: Session, resident_id: int, role: str, community: str | None = None) -> bool:
    """True when the resident holds the role (everywhere, or in that community); admins hold all."""
    for grant in roles_of(session, resident_id):
        if grant.role not in (role, ADMIN):
            continue
        if community is None or grant.community in ("", community):
            return True
    return False


def holders_of(session: Session, role: str, community: str = "") -> list[int]:
    """The residents holding the role everywhere or in that community, admins included, by id."""
    rows = session.exec(select(RoleGrant.resident_id).where(
        ((RoleGrant.role == role) & RoleGrant.community.in_(["", community])) | (RoleGrant.role == ADMIN)))
    return sorted(set(rows))


def communities_of(session: Session, resident_id: int, role: str) -> list[str] | None:
    """The communities where the resident holds the role; None means all of them."""
    found: list[str] = []
    for grant in roles_of(session, resident_id):
        if grant.role in (role, ADMIN):
            if grant.community == "":
                return None
            found.append(grant.community)
    return found


def grant_role(session: Session, resident_id: int, role: str, community: str = "",
               granted_by: str = "cli") -> bool:
    """Give a resident a role; False when they already had it."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role}")
    try:
        with session.begin_nested():
            session.add(RoleGrant(resident_id=resident_id, role=role, community=community,
                                  granted_by=granted_by))
            session.flush()
    except IntegrityError:
        return False
    audit(session, "role.grant", actor=granted_by, target=f"resident:{resident_id}",
          detail={"role": role, "community": community})
    return True


def new_invite(session: Session, role: str, community: str = "", created_by: str = "cli",
               now: datetime | None = None, ttl: timedelta = INVITE_TTL) -> InviteCode:
    """A fresh one-time invite code for a role."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role}")
    now = now or utcnow()
    code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    invite = InviteCode(code=code, role=role, community=community, created_by=created_by,
                        expires_at=now + ttl, created_at=now)
    session.add(invite)
    audit(session, "invite.create", actor=created_by, target=f"invite:{code[:2]}…",
          detail={"role": role, "community": community}, now=now)
    return invite


@dataclass(frozen=True)
class InviteResult:
    """status: granted, already, used, expired or unknown."""

    status: str
    role: str = ""
    community: str = ""


def redeem_invite(session: Session, code: str, resident_id: int, now: datetime) -> InviteResult:
    """Take the role of an invite code; the code works once and expires."""
    invite = session.exec(
        select(InviteCode).where(InviteCode.code == code.strip().upper()).with_for_update()
    ).first()
    if invite is None:
        audit(session, "invite.unknown", actor_resident_id=resident_id, now=now)
        return InviteResult("unknown")
    if invite.used_at is not None:
        audit(session, "invite.reused", actor_resident_id=resident_id, target=f"invite:{invite.id}", now=now)
        return InviteResult("used")
    if invite.expires_at <= now:
        audit(session, "invite.expired", actor_resident_id=resident_id, target=f"invite:{invite.id}", now=now)
        return InviteResult("expired")
    invite.used_at, invite.used_by = now, resident_id
    session.add(invite)
    fresh = grant_role(session, resident_id, invite.role, invite.community, granted_by=f"invite:{invite.id}")
    audit(session, "invite.redeem", actor_resident_id=resident_id, target=f"invite:{invite.id}",
          detail={"role": invite.role, "community": invite.community}, now=now)
    return InviteResult("granted" if fresh else "already", invite.role, invite.community)
