"""Where an organizer may publish and which courses they may manage, by unit.

A venue's unit is its own, else the 服务点 of its community, else the 总馆 (a venue that names
neither is the district's); a course's unit is its own, else its venue's. A grant covers a record
as has_role decides: everywhere, on a unit above the record, or in the record's community; the
lists below apply the same rule to many records at once, so what is offered is what is allowed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from store.models import Course, Venue
from store.models.staff import ADMIN, ORGANIZER
from store.models.units import POINT_LEVEL, Unit
from store.roles import roles_of
from store.units import load_tree, point_id, root_unit


@dataclass
class Scope:
    """The units (subtrees included) and bare communities an organizer's grants cover."""

    everywhere: bool = False
    unit_ids: set[int] = field(default_factory=set)
    communities: set[str] = field(default_factory=set)

    def covers(self, unit_id: int | None, community: str) -> bool:
        """True when a record of that unit and community is theirs."""
        return self.everywhere or unit_id in self.unit_ids or bool(community) and community in self.communities


def organizer_scope(session: Session, resident_id: int) -> Scope:
    """What the organizer (or admin) grants of a resident cover."""
    scope, tree = Scope(), None
    for grant in roles_of(session, resident_id):
        if grant.role not in (ORGANIZER, ADMIN):
            continue
        if grant.unit_id is None and grant.community == "":
            return Scope(everywhere=True)
        if grant.unit_id is None:
            scope.communities.add(grant.community)
            continue
        tree = tree or load_tree(session)
        scope.unit_ids |= tree.subtree(grant.unit_id)
    return scope


def venue_unit_id(session: Session, venue: Venue | None) -> int | None:
    """The unit running a venue: its own, its community's 服务点, else the 总馆."""
    return _placer(session)(venue)


def _placer(session: Session):
    """venue_unit_id for many venues, the 服务点 and the 总馆 looked up once."""
    points = {u.name: u.id for u in session.exec(select(Unit).where(Unit.level == POINT_LEVEL).order_by(Unit.id.desc()))}
    root = root_unit(session)

    def place(venue: Venue | None) -> int | None:
        if venue is not None and venue.unit_id is not None:
            return venue.unit_id
        found = points.get(venue.community) if venue is not None and venue.community else None
        return found if found is not None else (root.id if root else None)
    return place


def course_unit_id(session: Session, course: Course) -> int | None:
    """The unit a course belongs to: its own, else its venue's."""
    if course.unit_id is not None:
        return course.unit_id
    return venue_unit_id(session, session.get(Venue, course.venue_id) if course.venue_id else None)


def venue_named(session: Session, name: str) -> Venue | None:
    """The venue a typed name stands for, as the catalogue finds it (the first of that name)."""
    return session.exec(select(Venue).where(Venue.name == name.strip()).order_by(Venue.id)).first()


def may_publish_at(session: Session, resident_id: int, venue: Venue) -> bool:
    """True when the organizer may put a course at this venue."""
    return organizer_scope(session, resident_id).covers(venue_unit_id(session, venue), venue.community)


def usable_venues(session: Session, resident_id: int) -> list[Venue]:
    """The venues the organizer may publish at, by id."""
    scope, place = organizer_scope(session, resident_id), _placer(session)
    return [venue for venue in session.exec(select(Venue).order_by(Venue.id))
            if scope.covers(place(venue), venue.community)]


def manageable_courses(session: Session, resident_id: int) -> list[Course]:
    """The active courses the organizer may change, newest first."""
    scope, place = organizer_scope(session, resident_id), _placer(session)
    rows = session.exec(select(Course, Venue).join(Venue, Venue.id == Course.venue_id, isouter=True)
                        .where(Course.active == True).order_by(Course.id.desc()))  # noqa: E712
    return [course for course, venue in rows
            if scope.covers(course.unit_id if course.unit_id is not None else place(venue),
                            venue.community if venue else "")]


def home_of(session: Session, resident_id: int) -> tuple[str, int | None]:
    """(community, unit id) where a venue new to the catalogue goes when this organizer names it:
    the place of their first grant; ("", None) for an organizer of everywhere."""
    if organizer_scope(session, resident_id).everywhere:
        return "", None
    for grant in sorted(roles_of(session, resident_id), key=lambda g: g.id):
        if grant.role not in (ORGANIZER, ADMIN):
            continue
        if grant.unit_id is None:
            return grant.community, point_id(session, grant.community) if grant.community else None
        unit = session.get(Unit, grant.unit_id)
        return (unit.name if unit.level == POINT_LEVEL else ""), unit.id
    return "", None
