"""What's on: the sessions of active courses in a time window, and the communities venues are in."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from store.models import ClassSession, Course, Resident, Venue
from store.units import point_id


@dataclass(frozen=True)
class SessionOn:
    """One session with its course and venue (the venue may be unknown)."""

    session: ClassSession
    course: Course
    venue: Venue | None


def sessions_between(session: Session, start: datetime, end: datetime, *,
                     course_ids: Collection[int] | None = None, community: str = "",
                     unit_ids: Collection[int] | None = None) -> list[SessionOn]:
    """Sessions of active courses that end after start and begin before end (naive UTC), in time
    order; only those courses, only venues in that community, or only courses of those units, when given."""
    query = (select(ClassSession, Course, Venue)
             .join(Course, Course.id == ClassSession.course_id)
             .join(Venue, Venue.id == Course.venue_id, isouter=True)
             .where(Course.active == True, ClassSession.ends_at > start,  # noqa: E712
                    ClassSession.starts_at < end)
             .order_by(ClassSession.starts_at, Course.code))
    if course_ids is not None:
        if not course_ids:
            return []
        query = query.where(Course.id.in_(list(course_ids)))
    if community:
        query = query.where(Venue.community == community)
    if unit_ids is not None:
        query = query.where(Course.unit_id.in_(list(unit_ids)))
    return [SessionOn(cls, course, venue) for cls, course, venue in session.exec(query)]


def communities(session: Session) -> list[str]:
    """Every community a venue is in, by name."""
    names = session.exec(select(Venue.community).where(Venue.community != "").distinct())
    return sorted(set(names))


def set_community(session: Session, resident_id: int, community: str) -> None:
    """Remember a resident's own community ("" to forget it)."""
    resident = session.get(Resident, resident_id)
    resident.community = community
    resident.unit_id = point_id(session, community)
    session.add(resident)
    session.flush()


# Two columns, not a Resident object: every browse page asks, and loading the object cost more
# than the statement.
_RESIDENT = Resident.__table__
_HOME = sa_select(_RESIDENT.c.community, _RESIDENT.c.unit_id).where(_RESIDENT.c.id == bindparam("resident_id"))


def home_unit_of(session: Session, resident_id: int) -> int | None:
    """The 服务点 of a resident's own community, None when not chosen or not in the tree."""
    home = session.execute(_HOME, {"resident_id": resident_id}).first()
    if home is None or not home.community:
        return None
    return home.unit_id or point_id(session, home.community)


def community_of(session: Session, resident_id: int) -> str:
    """A resident's own community, "" when not chosen."""
    home = session.execute(_HOME, {"resident_id": resident_id}).first()
    return home.community if home else ""
