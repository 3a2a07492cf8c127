"""Monthly figures of service orders (点单), venue bookings (场馆预约) and volunteer hours.

Each part looks its tables up when asked: a part whose tables this installation does not have
yields no rows, and its sheet is still written, empty.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from bot.report.months import Month
from bot.report.queries import UNKNOWN
from store.phones import is_sealed

# Order statuses in the order of the workflow, with the words organizers use.
ORDER_STATUS_LABELS = {"ordered": "已点单", "dispatched": "已派单", "declined": "已婉拒",
                       "accepted": "已接单", "done": "已完成", "rated": "已评价"}
# Statuses outside the workflow, listed only in a month that has them.
RARE_STATUS_LABELS = {"withdrawn": "已撤回"}
SERVED = ("done", "rated")


def _model(module: str, name: str):
    """A table class, or None when this installation has no such table."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


@dataclass(frozen=True)
class OrderRow:
    """One order placed in the month."""

    number: str
    service: str
    community: str
    place: str
    audience: int
    headcount: int | None
    contact_name: str
    contact_phone: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class BookingRow:
    """Bookings of one room for slots starting in the month."""

    venue: str
    room: str
    booked: int        # not cancelled
    checked_in: int
    no_show: int
    pending: int       # still booked: not yet due, or not yet marked
    cancelled: int
    attendance: int    # headcount of checked-in bookings


@dataclass(frozen=True)
class VolunteerRow:
    """Service time and points of one resident in the month."""

    name: str
    community: str
    minutes: int
    services: int
    points: int


def unreadable_sealed(stored: str) -> str:
    """Without the phone key: a number stored before encryption as it is, a sealed one as ""."""
    return "" if is_sealed(stored) else stored


def orders(session: Session, month: Month, open_phone: Callable[[str], str] = unreadable_sealed,
           ids: Collection[int] | None = None) -> list[OrderRow]:
    """Orders (of those ids, or all) placed in the month, by number; contact phones opened with
    open_phone (shown masked)."""
    order_cls = _model("store.models.orders", "ServiceOrder")
    item_cls = _model("store.models.orders", "ServiceItem")
    if order_cls is None or item_cls is None:
        return []
    rows = session.exec(select(order_cls, item_cls).join(item_cls, item_cls.id == order_cls.service_id)
                        .where(order_cls.created_at >= month.start, order_cls.created_at < month.end,
                               *([order_cls.id.in_(list(ids))] if ids is not None else []))
                        .order_by(order_cls.number)).all()
    return [OrderRow(o.number, item.name, o.community, o.place, o.audience, o.headcount, o.contact_name,
                     open_phone(o.contact_phone), o.status, o.created_at) for o, item in rows]


def status_label(status: str) -> str:
    """已点单, 已撤回 … for an order status; an unknown one as it is."""
    return ORDER_STATUS_LABELS.get(status) or RARE_STATUS_LABELS.get(status, status)


def orders_by_status(rows: list[OrderRow]) -> list[tuple[str, int, int]]:
    """(status label, orders, people served) for every status, in workflow order."""
    out = []
    for status, label in ORDER_STATUS_LABELS.items():
        mine = [r for r in rows if r.status == status]
        out.append((label, len(mine), sum(r.headcount or 0 for r in mine)))
    for status, label in RARE_STATUS_LABELS.items():
        mine = [r for r in rows if r.status == status]
        if mine:
            out.append((label, len(mine), sum(r.headcount or 0 for r in mine)))
    known = set(ORDER_STATUS_LABELS) | set(RARE_STATUS_LABELS)
    other = [r for r in rows if r.status not in known]
    if other:
        out.append(("其他", len(other), sum(r.headcount or 0 for r in other)))
    return out


def bookings(session: Session, month: Month, venues: Collection[int] | None = None) -> list[BookingRow]:
    """Per room (of those venues, or all), bookings for slots starting in the month, by venue and room name."""
    booking_cls = _model("store.models.booking", "Booking")
    room_cls = _model("store.models.booking", "Room")
    venue_cls = _model("store.models.catalog", "Venue")
    if booking_cls is None or room_cls is None or venue_cls is None:
        return []
    rows = session.exec(select(booking_cls, room_cls, venue_cls)
                        .join(room_cls, room_cls.id == booking_cls.room_id)
                        .join(venue_cls, venue_cls.id == room_cls.venue_id)
                        .where(booking_cls.starts_at >= month.start, booking_cls.starts_at < month.end,
                               *([venue_cls.id.in_(list(venues))] if venues is not None else []))).all()
    rooms: dict[tuple[str, str], dict[str, int]] = {}
    for booking, room, venue in rows:
        row = rooms.setdefault((venue.name, room.name), {"booked": 0, "checked_in": 0, "no_show": 0,
                                                         "cancelled": 0, "attendance": 0})
        if booking.status in row:
            row[booking.status] += 1
        if booking.status == "checked_in":
            row["attendance"] += booking.headcount
    return [BookingRow(venue, room, r["booked"] + r["checked_in"] + r["no_show"], r["checked_in"],
                       r["no_show"], r["booked"], r["cancelled"], r["attendance"])
            for (venue, room), r in sorted(rooms.items())]


def volunteer_hours(session: Session, month: Month, entries: Collection[int] | None = None) -> list[VolunteerRow]:
    """Per resident with service time or points earned in the month (from those ledger lines, or
    all), by community and name."""
    entry_cls = _model("store.models.volunteers", "PointEntry")
    volunteer_cls = _model("store.models.volunteers", "Volunteer")
    if entry_cls is None:
        return []
    from store.models import Resident
    lines = session.exec(select(entry_cls).where(
        entry_cls.created_at >= month.start, entry_cls.created_at < month.end,
        *([entry_cls.id.in_(list(entries))] if entries is not None else []))).all()
    people: dict[int, list[int]] = {}
    for entry in lines:
        row = people.setdefault(entry.resident_id, [0, 0, 0])
        row[0] += max(entry.minutes, 0)
        row[1] += 1 if entry.minutes > 0 else 0
        row[2] += max(entry.points, 0)
    out = []
    for resident_id, (minutes, services, points) in people.items():
        if not minutes and not points:
            continue
        volunteer = None
        if volunteer_cls is not None:
            volunteer = session.exec(select(volunteer_cls)
                                     .where(volunteer_cls.resident_id == resident_id)).first()
        resident = session.get(Resident, resident_id)
        name = ((volunteer.name if volunteer else "") or (resident.display_name if resident else "")
                or f"居民{resident_id}")
        community = (volunteer.community if volunteer else "") or UNKNOWN
        out.append(VolunteerRow(name, community, minutes, services, points))
    return sorted(out, key=lambda r: (r.community, r.name))
