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
from store.models import ClassSession, Course, PointEntry, Resident, ServiceOrder, ServiceTeam, Unit, Venue
from store.models.units import POINT_LEVEL, ROOT_CODE


@dataclass
class Tree:
    """The units, each with its children in code order."""

    units: dict[int, Unit]
    children: dict[int | None, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Tree:
        """Every unit of the store."""
        units = {u.id: u for u in session.exec(select(Unit).order_by(Unit.code))}
        tree = cls(units)
        for unit in units.values():
            parent = unit.parent_id if unit.parent_id in units else None
            tree.children.setdefault(parent, []).append(unit.id)
        return tree

    @property
    def root(self) -> int | None:
        """The unit that takes what names no unit: the one coded ROOT, else the first top unit."""
        tops = self.children.get(None, [])
        coded = [i for i in tops if self.units[i].code == ROOT_CODE]
        return (coded or tops or [None])[0]

    def walk(self, start: int | None = None) -> list[int]:
        """Unit ids depth first, parents before children (the whole tree when start is None)."""
        out: list[int] = []
        stack = [start] if start is not None else list(reversed(self.children.get(None, [])))
        while stack:
            unit_id = stack.pop()
            out.append(unit_id)
            stack.extend(reversed(self.children.get(unit_id, [])))
        return out

    def by_code(self, code: str) -> Unit | None:
        """The unit with that code (any case)."""
        return next((u for u in self.units.values() if u.code.lower() == code.strip().lower()), None)


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


def _known(tree: Tree, *candidates: int | None) -> int | None:
    return next((c for c in candidates if c in tree.units), tree.root)


def attribute(session: Session, month: Month) -> Attribution:
    """The unit of everything the month's report may count."""
    tree = Tree.load(session)
    venues = {v.id: _known(tree, v.unit_id) for v in session.exec(select(Venue))}
    every_course = session.exec(select(Course)).all()
    courses = {c.id: _known(tree, c.unit_id, venues.get(c.venue_id)) for c in every_course}
    points = {u.name: u.id for u in tree.units.values() if u.level == POINT_LEVEL}
    teams = dict(session.exec(select(ServiceTeam.id, ServiceTeam.unit_id)).all())
    every_order = session.exec(select(ServiceOrder)).all()
    orders = {o.id: _known(tree, o.unit_id, teams.get(o.team_id), points.get(o.community)) for o in every_order}
    entries = {}
    lines = session.exec(select(PointEntry).where(PointEntry.created_at >= month.start,
                                                  PointEntry.created_at < month.end)).all()
    homes = dict(session.exec(select(Resident.id, Resident.unit_id).where(
        Resident.id.in_({e.resident_id for e in lines}))).all()) if lines else {}
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
        entries[entry.id] = _known(tree, served, homes.get(entry.resident_id))
    return Attribution(tree, courses, venues, orders, entries, {c.code: c.id for c in every_course},
                       {o.number: o.id for o in every_order})
