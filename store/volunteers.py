"""Volunteer registration, approval and the pause / resume / leave that follow it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from store.models import RoleGrant, Volunteer
from store.models.staff import VOLUNTEER
from store.models.volunteers import ACTIVE, LEFT, PAUSED, PENDING, REJECTED
from store.roles import audit, grant_role

# Which change each status allows: (from, to).
MOVES = {
    "pause": ((ACTIVE,), PAUSED),
    "resume": ((PAUSED,), ACTIVE),
    "leave": ((PENDING, ACTIVE, PAUSED), LEFT),
}


@dataclass(frozen=True)
class VolunteerResult:
    """What a registration change did: status is done, already, not_allowed or not_found."""

    status: str
    volunteer: Volunteer | None = None


def volunteer_of(session: Session, resident_id: int) -> Volunteer | None:
    """The resident's registration, whatever its status."""
    return session.exec(select(Volunteer).where(Volunteer.resident_id == resident_id)).first()


def lock_volunteer(session: Session, volunteer_id: int) -> Volunteer | None:
    """Load a registration and hold its row lock until the transaction ends."""
    return session.exec(select(Volunteer).where(Volunteer.id == volunteer_id).with_for_update()
                        .execution_options(populate_existing=True)).first()


def register(session: Session, resident_id: int, name: str, community: str, skills: str,
             available: str, now: datetime) -> VolunteerResult:
    """Register a resident as a volunteer, waiting for approval; one registration per resident.

    A resident who left or was not approved registers again on the same row."""
    found = session.exec(select(Volunteer).where(Volunteer.resident_id == resident_id)
                         .with_for_update()).first()
    if found is not None and found.status not in (LEFT, REJECTED):
        return VolunteerResult("already", found)
    volunteer = found or Volunteer(resident_id=resident_id, name=name, community=community,
                                   created_at=now)
    volunteer.name, volunteer.community = name[:20], community[:30]
    volunteer.skills, volunteer.available = skills[:100], available[:60]
    volunteer.status, volunteer.note, volunteer.approved_by = PENDING, "", ""
    volunteer.decided_at, volunteer.updated_at = None, now
    try:
        with session.begin_nested():
            session.add(volunteer)
            session.flush()
    except IntegrityError:
        # The same resident registered from another chat a moment ago.
        return VolunteerResult("already", volunteer_of(session, resident_id))
    audit(session, "volunteer.register", actor_resident_id=resident_id,
          target=f"volunteer:{volunteer.id}", detail={"community": volunteer.community}, now=now)
    return VolunteerResult("done", volunteer)


def pending_registrations(session: Session, communities: list[str] | None = None) -> list[Volunteer]:
    """Registrations waiting for approval, oldest first; only these communities when given."""
    query = select(Volunteer).where(Volunteer.status == PENDING)
    if communities is not None:
        query = query.where(Volunteer.community.in_(communities))
    return list(session.exec(query.order_by(Volunteer.created_at, Volunteer.id)))


def volunteers_in(session: Session, communities: list[str] | None = None,
                  name_part: str = "") -> list[Volunteer]:
    """Approved volunteers (active or paused) by name; only these communities when given."""
    query = select(Volunteer).where(Volunteer.status.in_((ACTIVE, PAUSED)))
    if communities is not None:
        query = query.where(Volunteer.community.in_(communities))
    if name_part:
        query = query.where(Volunteer.name.contains(name_part))
    return list(session.exec(query.order_by(Volunteer.name, Volunteer.id)))


def approve(session: Session, volunteer_id: int, by: str, now: datetime) -> VolunteerResult:
    """Approve a pending registration and give the resident the volunteer role."""
    volunteer = lock_volunteer(session, volunteer_id)
    if volunteer is None:
        return VolunteerResult("not_found")
    if volunteer.status != PENDING:
        return VolunteerResult("already", volunteer)
    volunteer.status, volunteer.approved_by = ACTIVE, by[:100]
    volunteer.decided_at = volunteer.updated_at = now
    session.add(volunteer)
    grant_role(session, volunteer.resident_id, VOLUNTEER, granted_by=by)
    return VolunteerResult("done", volunteer)


def reject(session: Session, volunteer_id: int, reason: str, by: str, now: datetime) -> VolunteerResult:
    """Turn down a pending registration with a reason the resident will read."""
    volunteer = lock_volunteer(session, volunteer_id)
    if volunteer is None:
        return VolunteerResult("not_found")
    if volunteer.status != PENDING:
        return VolunteerResult("already", volunteer)
    volunteer.status, volunteer.note, volunteer.approved_by = REJECTED, reason[:100], by[:100]
    volunteer.decided_at = volunteer.updated_at = now
    session.add(volunteer)
    return VolunteerResult("done", volunteer)


def change_status(session: Session, resident_id: int, move: str, now: datetime) -> VolunteerResult:
    """Pause, resume or leave; the volunteer role follows, so paused volunteers get no orders."""
    found = volunteer_of(session, resident_id)
    if found is None:
        return VolunteerResult("not_found")
    volunteer = lock_volunteer(session, found.id)
    allowed, target = MOVES[move]
    if volunteer.status == target:
        return VolunteerResult("already", volunteer)
    if volunteer.status not in allowed:
        return VolunteerResult("not_allowed", volunteer)
    volunteer.status, volunteer.updated_at = target, now
    session.add(volunteer)
    if target == ACTIVE:
        grant_role(session, resident_id, VOLUNTEER, granted_by=f"volunteer:{volunteer.id}")
    else:
        session.execute(delete(RoleGrant).where(RoleGrant.resident_id == resident_id,
                                                RoleGrant.role == VOLUNTEER))
    audit(session, f"volunteer.{move}", actor_resident_id=resident_id,
          target=f"volunteer:{volunteer.id}", now=now)
    return VolunteerResult("done", volunteer)
