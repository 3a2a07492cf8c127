"""Everything stored about one person, read for 我的数据: counts for the screen, rows for the file."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from store.models import (Booking, ChannelAccount, Enrolment, Feedback, NoticeSubscription, OrderRating,
                          PointEntry, Rating, Redemption, Resident, RoleGrant, ServiceOrder, Volunteer)
from store.models.enrolment import CANCELLED
from store.written import written

# What the file holds of each kind of row: the person's own columns, never another person's.
_EXPORTED: dict[str, tuple[type[SQLModel], str, tuple[str, ...]]] = {
    "sign_ups": (Enrolment, "resident_id", ("course_id", "status", "reminders_on", "created_at", "updated_at")),
    "bookings": (Booking, "resident_id", ("room_id", "starts_at", "ends_at", "purpose", "headcount", "status",
                                          "created_at")),
    "orders": (ServiceOrder, "ordered_by", ("number", "service_id", "community", "place", "preferred_dates",
                                            "audience", "contact_name", "contact_phone", "status", "created_at")),
    "ratings": (Rating, "resident_id", ("course_id", "session_id", "grade", "comment", "created_at")),
    "order_ratings": (OrderRating, "resident_id", ("order_id", "grade", "comment", "created_at")),
    "feedback": (Feedback, "resident_id", ("category", "text", "status", "reply", "created_at")),
    "points": (PointEntry, "resident_id", ("points", "minutes", "reason", "created_at")),
    "redemptions": (Redemption, "resident_id", ("reward_id", "status", "created_at")),
    "roles": (RoleGrant, "resident_id", ("role", "community", "created_at")),
    "subscriptions": (NoticeSubscription, "resident_id", ("community",)),
    "volunteer": (Volunteer, "resident_id", ("name", "community", "skills", "available", "status")),
}


@dataclass
class PersonSummary:
    """The counts 我的数据 shows."""

    name: str
    accounts: list[str]  # channel names, e.g. ["telegram", "web"]
    communities: list[str]
    roles: list[str]
    sign_ups: int = 0
    bookings: int = 0
    orders: int = 0
    ratings: int = 0
    feedback: int = 0
    points: int = 0
    contact_phones: list[str] = field(default_factory=list)  # as stored (sealed: equal numbers differ)


def _count(session: Session, model: type[SQLModel], column: str, resident_id: int) -> int:
    return session.exec(select(func.count()).select_from(model)
                        .where(getattr(model, column) == resident_id)).one()


def person_summary(session: Session, resident_id: int) -> PersonSummary:
    """What is stored about a person, counted."""
    resident = session.get(Resident, resident_id)
    accounts = session.exec(select(ChannelAccount.channel).where(ChannelAccount.resident_id == resident_id,
                                                                 ChannelAccount.unreachable == False)  # noqa: E712
                            .order_by(ChannelAccount.id)).all()
    roles = session.exec(select(RoleGrant).where(RoleGrant.resident_id == resident_id)).all()
    volunteer = session.exec(select(Volunteer).where(Volunteer.resident_id == resident_id)).first()
    communities = sorted({c for c in session.exec(select(NoticeSubscription.community).where(
        NoticeSubscription.resident_id == resident_id))} | {r.community for r in roles if r.community}
        | ({volunteer.community} if volunteer and volunteer.community else set()))
    phones = session.exec(select(ServiceOrder.contact_phone).where(ServiceOrder.ordered_by == resident_id,
                                                                   ServiceOrder.contact_phone != "")).all()
    live = session.exec(select(func.count()).select_from(Enrolment).where(
        Enrolment.resident_id == resident_id, Enrolment.status != written(CANCELLED))).one()
    points = session.exec(select(func.coalesce(func.sum(PointEntry.points), 0))
                          .where(PointEntry.resident_id == resident_id)).one()
    return PersonSummary(
        name=resident.display_name if resident else "", accounts=list(dict.fromkeys(accounts)),
        communities=communities, roles=sorted({r.role for r in roles}), sign_ups=live,
        bookings=_count(session, Booking, "resident_id", resident_id),
        orders=_count(session, ServiceOrder, "ordered_by", resident_id),
        ratings=_count(session, Rating, "resident_id", resident_id)
        + _count(session, OrderRating, "resident_id", resident_id),
        feedback=_count(session, Feedback, "resident_id", resident_id), points=int(points),
        contact_phones=list(phones) + ([resident.phone] if resident and resident.phone else []))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def person_rows(session: Session, resident_id: int) -> dict[str, Any]:
    """Every row about a person, as plain values (times in UTC); contact phones as stored."""
    resident = session.get(Resident, resident_id)
    out: dict[str, Any] = {
        "person": {"name": resident.display_name if resident else "",
                   "created_at": _plain(resident.created_at) if resident else None,
                   "reminders_on": resident.reminders_on if resident else None},
        "accounts": [{"channel": a.channel, "id": a.external_id, "created_at": _plain(a.created_at),
                      "last_seen_at": _plain(a.last_seen_at)}
                     for a in session.exec(select(ChannelAccount).where(ChannelAccount.resident_id == resident_id)
                                           .order_by(ChannelAccount.id))],
    }
    for name, (model, column, fields) in _EXPORTED.items():
        rows = session.exec(select(model).where(getattr(model, column) == resident_id).order_by(model.id)).all()
        out[name] = [{f: _plain(getattr(row, f)) for f in fields} for row in rows]
    return out
