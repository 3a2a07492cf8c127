"""Roles come from the store: granted once, limited to a community, taken by one-time invite codes."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from store.models import AuditEntry, InviteCode, Resident, RoleGrant
from store.models.staff import ADMIN, GRID_STAFF, ORGANIZER
from store.roles import communities_of, grant_role, has_role, new_invite, redeem_invite
from tests.conftest import START


def residents(db, n: int) -> list[int]:
    with db.session() as s:
        people = [Resident(display_name=f"居民{i}") for i in range(n)]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def actions(db) -> list[str]:
    with db.session() as s:
        return [a.action for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))]


def test_grant_once_and_check_by_community(db):
    (someone,) = residents(db, 1)
    with db.session() as s:
        assert grant_role(s, someone, ORGANIZER, "幸福社区") is True
        assert grant_role(s, someone, ORGANIZER, "幸福社区") is False
    with db.session() as s:
        assert has_role(s, someone, ORGANIZER)                 # somewhere
        assert has_role(s, someone, ORGANIZER, "幸福社区")
        assert not has_role(s, someone, ORGANIZER, "和平社区")
        assert not has_role(s, someone, GRID_STAFF)
        assert communities_of(s, someone, ORGANIZER) == ["幸福社区"]
        assert len(s.exec(select(RoleGrant)).all()) == 1
    assert actions(db) == ["role.grant"]


def test_a_district_wide_grant_and_admins_cover_every_community(db):
    organizer, admin = residents(db, 2)
    with db.session() as s:
        grant_role(s, organizer, ORGANIZER)
        grant_role(s, admin, ADMIN)
    with db.session() as s:
        for person in (organizer, admin):
            assert has_role(s, person, ORGANIZER, "和平社区")
            assert communities_of(s, person, ORGANIZER) is None
        assert has_role(s, admin, GRID_STAFF) and not has_role(s, organizer, GRID_STAFF)


def test_unknown_roles_are_refused(db):
    (someone,) = residents(db, 1)
    with db.session() as s, pytest.raises(ValueError):
        grant_role(s, someone, "boss")
    with db.session() as s, pytest.raises(ValueError):
        new_invite(s, "resident")


def test_an_invite_works_once(db):
    first, second = residents(db, 2)
    with db.session() as s:
        code = new_invite(s, GRID_STAFF, "幸福社区", now=START).code
    assert len(code) == 8 and not set(code) & set("01OIL")
    with db.session() as s:
        result = redeem_invite(s, code.lower(), first, START + timedelta(hours=1))
        assert (result.status, result.role, result.community) == ("granted", GRID_STAFF, "幸福社区")
    with db.session() as s:
        assert redeem_invite(s, code, second, START + timedelta(hours=2)).status == "used"
        assert redeem_invite(s, code, first, START + timedelta(hours=2)).status == "used"
        assert has_role(s, first, GRID_STAFF, "幸福社区") and not has_role(s, second, GRID_STAFF)
        invite = s.exec(select(InviteCode)).one()
        assert (invite.used_by, invite.used_at) == (first, START + timedelta(hours=1))
    assert actions(db) == ["invite.create", "role.grant", "invite.redeem", "invite.reused", "invite.reused"]


def test_an_expired_or_unknown_invite_grants_nothing(db):
    (someone,) = residents(db, 1)
    with db.session() as s:
        code = new_invite(s, ORGANIZER, now=START).code
    with db.session() as s:
        assert redeem_invite(s, code, someone, START + timedelta(days=3)).status == "expired"
        assert redeem_invite(s, "ZZZZ9999", someone, START).status == "unknown"
        assert not has_role(s, someone, ORGANIZER)
        assert s.exec(select(RoleGrant)).all() == []
    assert actions(db) == ["invite.create", "invite.expired", "invite.unknown"]


def test_audit_rows_say_who_what_and_where(db):
    (someone,) = residents(db, 1)
    with db.session() as s:
        grant_role(s, someone, ORGANIZER, "幸福社区", granted_by="cli")
        code = new_invite(s, GRID_STAFF, created_by="cli", now=START).code
    with db.session() as s:
        grant, made = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert (grant.actor, grant.target) == ("cli", f"resident:{someone}")
    assert json.loads(grant.detail) == {"role": ORGANIZER, "community": "幸福社区"}
    # The audit log never holds a whole invite code.
    assert made.action == "invite.create" and code not in made.target and code not in made.detail
