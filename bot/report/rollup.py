"""Figures per unit, rolled up the tree: each unit's own (本级) figures and its subtree's totals.

Every class session, sign-up, order, booking, rating, volunteer minute and venue counts in exactly
one unit (bot/report/attribution.py), so a parent's total is its own figures plus its children's
totals, exactly; rates are worked out from the summed counts, never averaged.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from sqlalchemy import func
from sqlmodel import Session, select

from bot.report.attribution import Attribution
from bot.report.months import Month
from bot.report.opening import VenueCheck
from bot.report.services import SERVED
from store.models import Booking, PointEntry, Room, Unit
from store.models.booking import CANCELLED
from store.written import written


@dataclass
class Figures:
    """The counts of one unit (or one unit's subtree)."""

    sessions: int = 0
    visits: int = 0
    signups: int = 0
    orders: int = 0
    served: int = 0
    bookings: int = 0
    rated: int = 0
    good: int = 0
    minutes: int = 0
    venues_assessed: int = 0
    venues_compliant: int = 0

    def add(self, other: Figures) -> Figures:
        """This plus other, counted in place."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def completion(self) -> float | None:
        """Orders completed (完成/已评价) of those placed."""
        return self.served / self.orders if self.orders else None

    @property
    def good_share(self) -> float | None:
        """优+良 of the ratings."""
        return self.good / self.rated if self.rated else None

    @property
    def compliant_share(self) -> float | None:
        """Venues meeting the opening-hours standard of those assessed."""
        return self.venues_compliant / self.venues_assessed if self.venues_assessed else None


@dataclass
class Rollup:
    """Own and subtree figures of every unit in scope, in tree order."""

    order: list[int]
    units: dict[int, Unit]
    everyone: dict[int, Unit] = field(default_factory=dict)  # the whole tree, for the names of parents
    own: dict[int, Figures] = field(default_factory=dict)
    total: dict[int, Figures] = field(default_factory=dict)

    def children(self, unit_id: int) -> list[int]:
        """The unit's children within scope, in tree order."""
        return [i for i in self.order if self.units[i].parent_id == unit_id]

    def levels(self) -> list[int]:
        """The levels present, top first."""
        return sorted({self.units[i].level for i in self.order})


def _bookings_by_venue(session: Session, month: Month, venues: Iterable[int]) -> dict[int, int]:
    ids = list(venues)
    if not ids:
        return {}
    return dict(session.exec(select(Room.venue_id, func.count(Booking.id))
                             .join(Room, Room.id == Booking.room_id)
                             .where(Booking.starts_at >= month.start, Booking.starts_at < month.end,
                                    Booking.status != written(CANCELLED), Room.venue_id.in_(ids))
                             .group_by(Room.venue_id)).all())


def _minutes_by_entry(session: Session, entries: Iterable[int]) -> dict[int, int]:
    ids = list(entries)
    if not ids:
        return {}
    return dict(session.exec(select(PointEntry.id, PointEntry.minutes).where(PointEntry.id.in_(ids))).all())


def roll_up(session: Session, month: Month, who: Attribution, scope: list[int], data,
            checks: list[VenueCheck]) -> Rollup:
    """Own and total figures of the units in scope from the month's collected data."""
    result = Rollup(scope, {i: who.tree.units[i] for i in scope}, who.tree.units)
    own = {i: Figures() for i in scope}
    inside = set(scope)

    def at(unit_id: int | None) -> Figures | None:
        return own.get(unit_id) if unit_id in inside else None

    for held in data.sessions:
        if (fig := at(who.courses.get(who.course_codes.get(held.course_code)))) is not None:
            fig.sessions += 1
            fig.visits += held.visits
    for row in data.signups:
        if (fig := at(who.courses.get(who.course_codes.get(row.code)))) is not None:
            fig.signups += row.new
    for row in data.by_course:
        if (fig := at(who.courses.get(who.course_codes.get(row.key)))) is not None:
            fig.rated += row.total
            fig.good += row.counts["优"] + row.counts["良"]
    for order in data.orders:
        if (fig := at(who.orders.get(who.order_numbers.get(order.number)))) is not None:
            fig.orders += 1
            fig.served += order.status in SERVED
    venues = [v for v, u in who.venues.items() if u in inside]
    for venue_id, count in _bookings_by_venue(session, month, venues).items():
        own[who.venues[venue_id]].bookings += count
    lines = [e for e, u in who.entries.items() if u in inside]
    for entry_id, minutes in _minutes_by_entry(session, lines).items():
        own[who.entries[entry_id]].minutes += max(minutes, 0)
    for check in checks:
        if check.assessed and (fig := at(who.venues.get(check.venue_id))) is not None:
            fig.venues_assessed += 1
            fig.venues_compliant += check.compliant
    result.own = own
    for unit_id in reversed(scope):
        total = Figures().add(own[unit_id])
        for child in result.children(unit_id):
            total.add(result.total[child])
        result.total[unit_id] = total
    return result


@dataclass(frozen=True)
class LevelRow:
    """One line of a level's sheet: a unit's total, or what a unit above counts itself (本级)."""

    parent: str
    code: str
    name: str
    figures: Figures
    own: bool = False


def level_rows(rollup: Rollup, level: int) -> list[LevelRow]:
    """The sheet of one level: each unit of that level with its subtree; after the units under a
    unit above, that unit's own figures (本级), so the rows under each parent sum to the parent."""
    rows: list[LevelRow] = []
    tops = [i for i in rollup.order if rollup.units[i].parent_id not in rollup.units]

    def visit(unit_id: int) -> None:
        unit = rollup.units[unit_id]
        parent = rollup.everyone.get(unit.parent_id)
        if unit.level >= level:
            rows.append(LevelRow(parent.name if parent else "", unit.code, unit.name, rollup.total[unit_id]))
            return
        own = Figures().add(rollup.own[unit_id])
        for child in rollup.children(unit_id):
            if rollup.units[child].level > level:  # a unit skipping this level counts in the one above
                own.add(rollup.total[child])
            else:
                visit(child)
        rows.append(LevelRow(unit.name, unit.code, f"{unit.name}（本级）", own, own=True))

    for top in tops:
        visit(top)
    return rows
