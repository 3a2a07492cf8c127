"""为民银行: the append-only points ledger. A balance is always the sum of its lines.

Automatic credits name their source (order:ID, session:ID) and a partial unique index lets each
source credit a resident once, so a completed order or a taught session reported twice still
counts once. Taking points away (redeeming, a correction) locks the resident's row first.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from sqlalchemy import String, cast, exists, func, literal
from sqlmodel import Session, select

from store.clock import utcnow
from store.insert_new import dialect_insert
from store.models import ClassSession, Course, PointEntry, Resident
from store.models.volunteers import AUTOMATIC_SOURCE, MANUAL


@dataclass(frozen=True)
class CreditResult:
    """What a hand-written entry did: status is done, not_enough or not_found."""

    status: str
    entry: PointEntry | None = None
    balance: int = 0


class PointRules(Protocol):
    """How many points service earns (the [points] settings)."""

    points_per_hour: int
    points_per_taught_session: int


def lock_ledger(session: Session, resident_id: int) -> Resident | None:
    """Hold the resident's row lock: whoever takes points away waits here for the others."""
    return session.exec(select(Resident).where(Resident.id == resident_id).with_for_update()).first()


def balance(session: Session, resident_id: int) -> int:
    """The resident's points: the sum of every ledger line."""
    return session.exec(select(func.coalesce(func.sum(PointEntry.points), 0))
                        .where(PointEntry.resident_id == resident_id)).one()


def service_minutes(session: Session, resident_id: int) -> int:
    """Minutes of service behind the resident's points."""
    return session.exec(select(func.coalesce(func.sum(PointEntry.minutes), 0))
                        .where(PointEntry.resident_id == resident_id)).one()


def recent_entries(session: Session, resident_id: int, limit: int = 5) -> list[PointEntry]:
    """The resident's latest ledger lines, newest first."""
    return list(session.exec(select(PointEntry).where(PointEntry.resident_id == resident_id)
                             .order_by(PointEntry.created_at.desc(), PointEntry.id.desc()).limit(limit)))


def hours_to_minutes(hours: int | float | Decimal | str) -> int:
    """Hours (1.5, Decimal("0.75"), "2") as whole minutes, rounded half up."""
    minutes = (Decimal(str(hours)) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if minutes < 0:
        raise ValueError(f"hours must not be negative: {hours!r}")
    return int(minutes)


def points_for_minutes(minutes: int, points_per_hour: int) -> int:
    """Points earned for minutes of service, rounded half up."""
    return int((Decimal(minutes) * points_per_hour / 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def add_once(session: Session, resident_id: int, points: int, source: str, *, minutes: int = 0,
             reason: str = "", created_by: str = "", now: datetime | None = None) -> PointEntry | None:
    """Write an automatic ledger line unless this source already credited the resident."""
    if source == MANUAL:
        raise ValueError("manual entries go through credit_by_hand")
    stmt = dialect_insert(session)(PointEntry).values(
        resident_id=resident_id, points=points, minutes=minutes, reason=reason[:100],
        source=source[:60], created_by=created_by[:100], created_at=now or utcnow(),
    ).on_conflict_do_nothing(index_elements=["resident_id", "source"],
                             index_where=AUTOMATIC_SOURCE).returning(PointEntry.id)
    row = session.execute(stmt).first()
    return session.get(PointEntry, row[0]) if row else None


def credit_for_order(session: Session, order_id: int, resident_ids: Iterable[int],
                     hours: int | float | Decimal | str, *, reason: str = "",
                     created_by: str = "orders", now: datetime | None = None,
                     rules: PointRules) -> list[PointEntry]:
    """Credit each volunteer of a completed order points_per_hour × hours; once per order.

    Returns the entries written now (none for volunteers this order already credited)."""
    minutes = hours_to_minutes(hours)
    points = points_for_minutes(minutes, rules.points_per_hour)
    written = []
    for resident_id in dict.fromkeys(resident_ids):  # each once, in the order given
        entry = add_once(session, resident_id, points, f"order:{order_id}", minutes=minutes,
                         reason=reason, created_by=created_by, now=now)
        if entry is not None:
            written.append(entry)
    return written


def credit_for_session(session: Session, session_id: int, teacher_resident_id: int, *,
                       created_by: str = "sessions", now: datetime | None = None,
                       rules: PointRules) -> PointEntry | None:
    """Credit the volunteer teacher of a class session points_per_taught_session; once per session.

    The session's length counts as service time. None when this session already credited them."""
    cls = session.get(ClassSession, session_id)
    if cls is None:
        raise ValueError(f"no class session {session_id}")
    course = session.get(Course, cls.course_id)
    minutes = max(0, int((cls.ends_at - cls.starts_at).total_seconds() // 60))
    return add_once(session, teacher_resident_id, rules.points_per_taught_session,
                    f"session:{session_id}", minutes=minutes, reason=course.title if course else "",
                    created_by=created_by, now=now)


def uncredited_taught_sessions(session: Session, now: datetime,
                               since: datetime) -> list[tuple[ClassSession, Course]]:
    """Sessions of active courses with a teacher account that ended in (since, now] and have not
    credited that teacher yet, oldest first."""
    credited = select(PointEntry.id).where(
        PointEntry.resident_id == Course.teacher_resident_id,
        PointEntry.source == literal("session:", String) + cast(ClassSession.id, String))
    return list(session.exec(
        select(ClassSession, Course).join(Course, Course.id == ClassSession.course_id)
        .where(Course.teacher_resident_id.is_not(None), Course.active == True,  # noqa: E712
               ClassSession.ends_at > since, ClassSession.ends_at <= now, ~exists(credited))
        .order_by(ClassSession.ends_at, ClassSession.id)).all())


def credit_by_hand(session: Session, resident_id: int, points: int, reason: str, created_by: str,
                   now: datetime | None = None) -> CreditResult:
    """An organizer's entry with a reason; taking points away never goes below zero."""
    if lock_ledger(session, resident_id) is None:
        return CreditResult("not_found")
    current = balance(session, resident_id)
    if current + points < 0:
        return CreditResult("not_enough", balance=current)
    entry = PointEntry(resident_id=resident_id, points=points, reason=reason[:100], source=MANUAL,
                       created_by=created_by[:100], created_at=now or utcnow())
    session.add(entry)
    session.flush()
    return CreditResult("done", entry, current + points)
