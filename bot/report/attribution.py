"""Which unit each of the month's figures belongs to, so every one counts in exactly one unit.

A course counts in its own unit, else its venue's; a venue, booking or order in its own unit
(an order else its team's, else the 服务点 named like its community); volunteer time in the unit of
what was served (a class session's course, an order), else the volunteer's own 服务点. Whatever
names no unit counts in the top unit itself (本级), so the tree's totals are the district's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.report.months import Month
from store.models import ClassSession, Course, PointEntry, Resident, ServiceOrder, ServiceTeam, Venue
from store.models.units import POINT_LEVEL, ROOT_CODE, ROOT_LEVEL
from store.units import Tree, load_tree


def tree_order(tree: Tree, start: int | None = None) -> list[int]:
    """Unit ids depth first, parents before children: the whole tree, or one unit's subtree."""
    inside = tree.subtree(start) if start is not None else None
    return [u.id for _, u in tree.walk() if inside is None or u.id in inside]


def top_of(tree: Tree) -> int | None:
    """The unit that takes what names no unit: the one coded ROOT, else the first unit of level 1."""
    coded = [u.id for u in tree.units.values() if u.code == ROOT_CODE]
    tops = sorted(u.id for u in tree.roots() if u.level == ROOT_LEVEL) or sorted(u.id for u in tree.roots())
    return (coded or tops or [None])[0]


@dataclass
class Attribution:
    """The unit of each course, venue, order and ledger line of the month."""

    tree: Tree
    courses: dict[int, int | None]
    venues: dict[int, int | None]
    orders: dict[int, int | None]
    entries: dict[int, int | None]
    course_codes: dict[str, int] = field(default_factory=dict)
    order_numbers: dict[str, int] = field(default_factory=dict)

    def within(self, unit_ids: set[int]) -> dict[str, set[int]]:
        """Ids of the courses, venues, orders and ledger lines that count in those units."""
        return {name: {k for k, v in getattr(self, name).items() if v in unit_ids}
                for name in ("courses", "venues", "orders", "entries")}


def venue_units(session: Session, tree: Tree) -> dict[int, int | None]:
    """The unit each venue counts in: its own, else the 服务点 named like its community, else the top."""
    top = top_of(tree)
    points = {u.name: u.id for u in tree.units.values() if u.level == POINT_LEVEL}
    return {v.id: next((c for c in (v.unit_id, points.get(v.community)) if c in tree.units), top)
            for v in session.exec(select(Venue))}


def attribute(session: Session, month: Month) -> Attribution:
    """The unit of everything the month's report may count."""
    tree = load_tree(session)
    top = top_of(tree)

    def known(*candidates: int | None) -> int | None:
        """The first candidate that is a unit, else the top unit."""
        return next((c for c in candidates if c in tree.units), top)

    points = {u.name: u.id for u in tree.units.values() if u.level == POINT_LEVEL}
    venues = venue_units(session, tree)
    every_course = session.exec(select(Course)).all()
    courses = {c.id: known(c.unit_id, venues.get(c.venue_id)) for c in every_course}
    teams = {t.id: t.unit_id or points.get(t.community) for t in session.exec(select(ServiceTeam))}
    every_order = session.exec(select(ServiceOrder)).all()
    orders = {o.id: known(o.unit_id, teams.get(o.team_id), points.get(o.community)) for o in every_order}
    entries = {}
    lines = session.exec(select(PointEntry).where(PointEntry.created_at >= month.start,
                                                  PointEntry.created_at < month.end)).all()
    homes = {r.id: r.unit_id or points.get(r.community) for r in session.exec(select(Resident).where(
        Resident.id.in_({e.resident_id for e in lines})))} if lines else {}
    session_course = {}
    served_sessions = [int(e.source.split(":")[1]) for e in lines
                       if e.source.startswith("session:") and e.source.split(":")[1].isdigit()]
    if served_sessions:
        session_course = dict(session.exec(select(ClassSession.id, ClassSession.course_id).where(
            ClassSession.id.in_(served_sessions))).all())
    for entry in lines:
        kind, _, ref = entry.source.partition(":")
        served = None
        if kind == "session" and ref.isdigit():
            served = courses.get(session_course.get(int(ref)))
        elif kind == "order" and ref.isdigit():
            served = orders.get(int(ref))
        entries[entry.id] = known(served, homes.get(entry.resident_id))
    return Attribution(tree, courses, venues, orders, entries, {c.code: c.id for c in every_course},
                       {o.number: o.id for o in every_order})
