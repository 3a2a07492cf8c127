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
from store.models.units import POINT_LEVEL, Unit
from store.units import ancestors, load_tree, unit_for_community

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


def _target_chain(session: Session, community: str | None, unit_id: int | None) -> set[int]:
    """The ids of the unit a record belongs to and of every unit above it."""
    if unit_id is None and community:
        point = unit_for_community(session, community)
        unit_id = point.id if point else None
    return {u.id for u in ancestors(session, unit_id)} if unit_id is not None else set()


def _covers(grant: RoleGrant, community: str | None, chain: set[int]) -> bool:
    """True when a grant reaches a record of that community / in that chain of units."""
    if grant.unit_id is None and grant.community == "":
        return True  # everywhere
    if grant.unit_id is not None:
        return grant.unit_id in chain
    return bool(community) and grant.community == community  # a community no unit stands for


def has_role(session: Session, resident_id: int, role: str, community: str | None = None,
             unit_id: int | None = None) -> bool:
    """True when the resident holds the role (everywhere, or on a unit above the record, or in its
    community); admins hold all. With neither community nor unit_id, any grant of the role counts."""
    grants = [g for g in roles_of(session, resident_id) if g.role in (role, ADMIN)]
    if community is None and unit_id is None:
        return bool(grants)
    chain = _target_chain(session, community, unit_id)
    return any(_covers(grant, community, chain) for grant in grants)


def holders_of(session: Session, role: str, community: str = "", unit_id: int | None = None) -> list[int]:
    """The residents holding the role over that community or unit (everywhere, on a unit above it,
    or in it), admins included, by id."""
    chain = _target_chain(session, community, unit_id)
    grants = session.exec(select(RoleGrant).where((RoleGrant.role == role) | (RoleGrant.role == ADMIN)))
    return sorted({g.resident_id for g in grants
                   if g.role == ADMIN or _covers(g, community, chain)})


def communities_of(session: Session, resident_id: int, role: str) -> list[str] | None:
    """The communities where the resident holds the role (every 服务点 under a unit they hold it on);
    None means all of them."""
    found: list[str] = []
    tree = None
    for grant in roles_of(session, resident_id):
        if grant.role not in (role, ADMIN):
            continue
        if grant.community == "" and grant.unit_id is None:
            return None
        if grant.unit_id is None:
            found.append(grant.community)
            continue
        tree = tree or load_tree(session)
        found += [tree.units[i].name for i in sorted(tree.subtree(grant.unit_id)) if tree.units[i].level == POINT_LEVEL]
    return list(dict.fromkeys(found))


def units_of(session: Session, resident_id: int, role: str) -> set[int] | None:
    """The ids of the units where the resident holds the role, subtrees included; None means all."""
    found: set[int] = set()
    tree = None
    for grant in roles_of(session, resident_id):
        if grant.role not in (role, ADMIN):
            continue
        if grant.community == "" and grant.unit_id is None:
            return None
        tree = tree or load_tree(session)
        if grant.unit_id is not None:
            found |= tree.subtree(grant.unit_id)
        elif (point := unit_for_community(session, grant.community)) is not None:
            found.add(point.id)
    return found


def grant_role(session: Session, resident_id: int, role: str, community: str = "",
               granted_by: str = "cli", unit_id: int | None = None) -> bool:
    """Give a resident a role (on a unit and its subtree, in a community, or everywhere); False when
    they already had it. A community with a 服务点 is granted on that 服务点."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role}")
    if unit_id is None and community:
        point = unit_for_community(session, community)
        unit_id = point.id if point else None
    if unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise ValueError(f"unknown unit: {unit_id}")
        community = unit.name  # one grant per unit: the name keys the unique index
    try:
        with session.begin_nested():
            session.add(RoleGrant(resident_id=resident_id, role=role, community=community,
                                  unit_id=unit_id, granted_by=granted_by))
            session.flush()
    except IntegrityError:
        return False
    audit(session, "role.grant", actor=granted_by, target=f"resident:{resident_id}",
          detail={"role": role, "community": community} | ({"unit_id": unit_id} if unit_id else {}))
    return True


def new_invite(session: Session, role: str, community: str = "", created_by: str = "cli",
               now: datetime | None = None, ttl: timedelta = INVITE_TTL, unit_id: int | None = None) -> InviteCode:
    """A fresh one-time invite code for a role."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role}")
    now = now or utcnow()
    code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    invite = InviteCode(code=code, role=role, community=community, created_by=created_by,
                        expires_at=now + ttl, created_at=now, unit_id=unit_id)
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
    fresh = grant_role(session, resident_id, invite.role, invite.community, granted_by=f"invite:{invite.id}",
                       unit_id=invite.unit_id)
    audit(session, "invite.redeem", actor_resident_id=resident_id, target=f"invite:{invite.id}",
          detail={"role": invite.role, "community": invite.community}, now=now)
    return InviteResult("granted" if fresh else "already", invite.role, invite.community)
