"""Service teams (volunteer teams and teachers) and who serves in them."""
from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, or_, select

from store.models.orders import ServiceTeam, TeamMember
from store.units import point_id


def team_ids_of(session: Session, resident_id: int) -> list[int]:
    """The teams a resident leads or serves in."""
    led = session.exec(select(ServiceTeam.id).where(ServiceTeam.leader_id == resident_id)).all()
    member = session.exec(select(TeamMember.team_id).where(TeamMember.resident_id == resident_id)).all()
    return sorted(set(led) | set(member))


def is_team_member(session: Session, team_id: int | None, resident_id: int) -> bool:
    """True when the resident leads or serves in the team."""
    return team_id is not None and team_id in team_ids_of(session, resident_id)


def team_people(session: Session, team_id: int | None) -> list[int]:
    """Everyone who serves in a team: its leader first, then its members in the order they joined."""
    team = session.get(ServiceTeam, team_id) if team_id is not None else None
    if team is None:
        return []
    members = session.exec(select(TeamMember.resident_id).where(TeamMember.team_id == team.id)
                           .order_by(TeamMember.id)).all()
    leader = [team.leader_id] if team.leader_id is not None else []
    return list(dict.fromkeys(leader + list(members)))


def teams_for(session: Session, community: str) -> list[ServiceTeam]:
    """Active teams that serve a community (their own, or everywhere)."""
    return list(session.exec(select(ServiceTeam).where(
        ServiceTeam.active == True,  # noqa: E712
        or_(ServiceTeam.community == "", ServiceTeam.community == community))
        .order_by(ServiceTeam.community.desc(), ServiceTeam.id)))


def save_team(session: Session, name: str, kind: str, leader_id: int | None,
              community: str = "") -> ServiceTeam:
    """Create a team, or update the kind, leader and community of the one with that name."""
    team = session.exec(select(ServiceTeam).where(ServiceTeam.name == name)).first()
    if team is None:
        team = ServiceTeam(name=name)
    team.kind, team.community, team.active = kind, community, True
    team.unit_id = point_id(session, community) if community else None
    if leader_id is not None:
        team.leader_id = leader_id
    session.add(team)
    session.flush()
    return team

def team_named(session: Session, name: str) -> ServiceTeam | None:
    """The team with this name."""
    return session.exec(select(ServiceTeam).where(ServiceTeam.name == name)).first()


def add_member(session: Session, team_id: int, resident_id: int) -> bool:
    """Add a member to a team; False when they lead or serve in it already."""
    if resident_id in team_people(session, team_id):
        return False
    session.add(TeamMember(team_id=team_id, resident_id=resident_id))
    session.flush()
    return True


def remove_member(session: Session, team_id: int, resident_id: int) -> bool:
    """Take a member off a team (never its leader); False when they were not a member."""
    done = session.execute(delete(TeamMember).where(TeamMember.team_id == team_id,
                                                    TeamMember.resident_id == resident_id))
    return done.rowcount == 1
