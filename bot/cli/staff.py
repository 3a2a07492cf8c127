"""`linli grant`, `linli invite` and `linli team`: giving people roles and teams from the terminal."""
from __future__ import annotations

from datetime import datetime

from store.db import Database
from store.models.orders import ServiceTeam
from store.models.staff import ROLES
from store.teams import save_team
from store.people import get_or_create_account
from store.roles import audit, grant_role, new_invite

CHANNELS = ("telegram", "wecom", "web", "console")
ACTOR = "cli"


def _resident_id(session, channel: str, external_id: str) -> int:
    """The resident behind a channel account, created when the person never wrote yet."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel}")
    account, _ = get_or_create_account(session, channel, external_id)
    return account.resident_id


def grant(db: Database, role: str, channel: str, external_id: str, community: str = "") -> bool:
    """Give the person behind a channel account a role; False when they had it already."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role}")
    with db.session() as session:
        resident_id = _resident_id(session, channel, external_id)
        fresh = grant_role(session, resident_id, role, community, granted_by=ACTOR)
        if not fresh:
            audit(session, "role.grant.already", actor=ACTOR, target=f"resident:{resident_id}",
                  detail={"role": role, "community": community})
        return fresh


def invite(db: Database, role: str, community: str = "", now: datetime | None = None) -> str:
    """A one-time invite code for a role (audited when made)."""
    with db.session() as session:
        return new_invite(session, role, community, created_by=ACTOR, now=now).code


def team(db: Database, name: str, kind: str, channel: str, external_id: str,
         community: str = "") -> ServiceTeam:
    """Create or update a service team led by the person behind a channel account."""
    with db.session() as session:
        leader_id = _resident_id(session, channel, external_id)
        saved = save_team(session, name, kind, leader_id, community)
        audit(session, "team.save", actor=ACTOR, target=f"team:{saved.id}",
              detail={"name": name, "kind": kind, "leader": f"{channel}:{external_id}",
                      "community": community})
        return saved
