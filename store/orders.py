"""Service orders: placing them and moving them 点单 → 派单 → 接单 → 完成 → 评价, one history row a step.

Every move locks the order row (PostgreSQL) or runs in the immediate transaction SQLite
starts, then checks the move against MOVES: of two organizers dispatching at once, the
second finds the order already dispatched and is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from store.insert_new import dialect_insert
from store.models.orders import (ACCEPTED, COMMENT_LIMIT, DECLINED, DISPATCHED, DONE, OPEN_STATUSES,
                                 ORDER_GRADES, ORDERED, RATED, OrderEvent, OrderRating, ServiceItem,
                                 ServiceOrder, ServiceTeam)
from store.teams import team_ids_of
from store.units import covers, point_id

# The only moves an order can make; anything else is refused.
MOVES: dict[str, tuple[str, ...]] = {
    ORDERED: (DISPATCHED, DECLINED),
    DISPATCHED: (ACCEPTED, ORDERED),  # accepted, or the team hands it back to the organizer
    ACCEPTED: (DONE,),
    DONE: (RATED,),
}
REASON_LIMIT = 200
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class MoveResult:
    """What a move did: status is moved, illegal (not allowed from where the order is),
    not_found or bad_input; from_status is where the order stood."""

    status: str
    order: ServiceOrder | None = None
    from_status: str = ""
    event: OrderEvent | None = None


@dataclass(frozen=True)
class OrderRatingResult:
    """What a rating did: recorded, already, not_done, not_asked, not_found or bad_grade."""

    status: str
    grade: str = ""


def can_move(from_status: str, to_status: str) -> bool:
    """True when an order may go from one status to the other."""
    return to_status in MOVES.get(from_status, ())


def normalise_phone(text: str) -> str | None:
    """An 11-digit mainland mobile number without spaces or dashes, or None."""
    digits = re.sub(r"[\s\-]", "", text or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits if _MOBILE.match(digits) else None


def lock_order(session: Session, order_id: int) -> ServiceOrder | None:
    """Load an order fresh from the database and hold its row lock until the transaction ends."""
    return session.exec(
        select(ServiceOrder).where(ServiceOrder.id == order_id).with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _next_number(session: Session, day: date) -> str:
    prefix = f"D{day:%Y%m%d}-"
    last = session.exec(select(ServiceOrder.number).where(ServiceOrder.number.startswith(prefix))
                        .order_by(ServiceOrder.number.desc())).first()
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:04d}"


class TooSoon(ValueError):
    """An order for a day earlier than the service's lead time allows."""


def earliest_order_day(lead_days: int, now: datetime, tz: str = "Asia/Shanghai") -> date:
    """The first day a service may be ordered for: lead_days after today (local)."""
    return now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz)).date() + timedelta(days=lead_days)


def place_order(session: Session, *, service_id: int, community: str, place: str,
                preferred_dates: str, audience: int, contact_name: str, contact_phone: str,
                resident_id: int, now: datetime, tz: str = "Asia/Shanghai",
                first_day: date | None = None) -> ServiceOrder:
    """A new order numbered by the local day (D20261201-0007), with its first history row; with the
    first wished day given, TooSoon when it is inside the service's lead time."""
    day = now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz)).date()
    if first_day is not None:
        service = session.get(ServiceItem, service_id)
        if service is not None and first_day < earliest_order_day(service.lead_days, now, tz):
            raise TooSoon(f"{service.code}: {first_day} is inside {service.lead_days} days")
    for _ in range(10):
        try:
            with session.begin_nested():
                order = ServiceOrder(
                    number=_next_number(session, day), service_id=service_id, community=community,
                    place=place, preferred_dates=preferred_dates, audience=audience,
                    contact_name=contact_name, contact_phone=contact_phone, status=ORDERED,
                    ordered_by=resident_id, created_at=now, updated_at=now,
                    unit_id=point_id(session, community))
                session.add(order)
                session.flush()
                session.add(OrderEvent(order_id=order.id, actor_resident_id=resident_id,
                                       from_status="", to_status=ORDERED, created_at=now))
                session.flush()
            return order
        except IntegrityError:
            continue  # another worker took the same number a moment ago
    raise RuntimeError("no free order number")


def _move(session: Session, order_id: int, to_status: str, actor_resident_id: int | None,
          now: datetime, note: str = "", **changes: object) -> MoveResult:
    order = lock_order(session, order_id)
    if order is None:
        return MoveResult("not_found")
    if not can_move(order.status, to_status):
        return MoveResult("illegal", order, order.status)
    from_status = order.status
    order.status = to_status
    for name, value in changes.items():
        setattr(order, name, value)
    order.updated_at = now
    event = OrderEvent(order_id=order.id, actor_resident_id=actor_resident_id, from_status=from_status,
                       to_status=to_status, note=note[:REASON_LIMIT], created_at=now)
    session.add(order)
    session.add(event)
    session.flush()
    return MoveResult("moved", order, from_status, event)


def _reason(text: str) -> str:
    return (text or "").strip()[:REASON_LIMIT]


def team_serves(session: Session, team: ServiceTeam, order: ServiceOrder) -> bool:
    """True when a team serves where the order is: everywhere, its own community, or a unit above it."""
    if team.community == order.community or (team.community == "" and team.unit_id is None):
        return True
    return team.unit_id is not None and covers(session, team.unit_id, order.unit_id)


def dispatch_order(session: Session, order_id: int, team_id: int, actor_resident_id: int | None,
                   now: datetime) -> MoveResult:
    """派单: give a new order to a team that serves the order's community."""
    team = session.get(ServiceTeam, team_id)
    order = session.get(ServiceOrder, order_id)
    if order is None:
        return MoveResult("not_found")
    if team is None or not team.active or not team_serves(session, team, order):
        return MoveResult("bad_input", order, order.status)
    return _move(session, order_id, DISPATCHED, actor_resident_id, now, note=team.name, team_id=team.id)


def decline_order(session: Session, order_id: int, reason: str, actor_resident_id: int | None,
                  now: datetime) -> MoveResult:
    """婉拒 by the organizer: the order ends here, with the reason the resident is told."""
    reason = _reason(reason)
    if not reason:
        return MoveResult("bad_input")
    return _move(session, order_id, DECLINED, actor_resident_id, now, note=reason, decline_reason=reason)


def accept_order(session: Session, order_id: int, day: date, actor_resident_id: int | None,
                 now: datetime) -> MoveResult:
    """接单 by the team, fixing the date of the service."""
    return _move(session, order_id, ACCEPTED, actor_resident_id, now, note=day.isoformat(),
                 scheduled_date=day)


def return_order(session: Session, order_id: int, reason: str, actor_resident_id: int | None,
                 now: datetime) -> MoveResult:
    """婉拒 by the team: the order goes back to the organizer to dispatch again."""
    reason = _reason(reason)
    if not reason:
        return MoveResult("bad_input")
    return _move(session, order_id, ORDERED, actor_resident_id, now, note=reason, team_id=None)


def complete_order(session: Session, order_id: int, headcount: int, actor_resident_id: int | None,
                   now: datetime) -> MoveResult:
    """完成, with how many people were served."""
    if headcount < 0:
        return MoveResult("bad_input")
    return _move(session, order_id, DONE, actor_resident_id, now, note=str(headcount),
                 headcount=headcount)


def order_rating(session: Session, order_id: int, resident_id: int) -> OrderRating | None:
    """The resident's rating of an order, if any."""
    return session.exec(select(OrderRating).where(
        OrderRating.order_id == order_id, OrderRating.resident_id == resident_id)).first()


def may_rate(order: ServiceOrder, resident_id: int) -> bool:
    """Only the resident who ordered the service is asked to rate it."""
    return order.ordered_by == resident_id


def rate_order(session: Session, order_id: int, resident_id: int, grade: str,
               now: datetime) -> OrderRatingResult:
    """One 优/良/中/差 per person for a finished order; the first one marks it 已评价."""
    if grade not in ORDER_GRADES:
        return OrderRatingResult("bad_grade")
    order = lock_order(session, order_id)
    if order is None:
        return OrderRatingResult("not_found")
    if not may_rate(order, resident_id):
        return OrderRatingResult("not_asked")
    existing = order_rating(session, order_id, resident_id)
    if existing is not None:
        return OrderRatingResult("already", existing.grade)
    if order.status not in (DONE, RATED):
        return OrderRatingResult("not_done")
    stmt = dialect_insert(session)(OrderRating).values(
        order_id=order_id, resident_id=resident_id, grade=grade, comment="", created_at=now,
    ).on_conflict_do_nothing(index_elements=["order_id", "resident_id"]).returning(OrderRating.id)
    if session.execute(stmt).first() is None:
        existing = order_rating(session, order_id, resident_id)
        return OrderRatingResult("already", existing.grade if existing else "")
    if order.status == DONE:
        _move(session, order_id, RATED, resident_id, now, note=grade)
    return OrderRatingResult("recorded", grade)


def add_order_comment(session: Session, order_id: int, resident_id: int, comment: str) -> str:
    """Attach a comment to the resident's rating once: saved, already, empty or not_found."""
    comment = comment.strip()[:COMMENT_LIMIT]
    if not comment:
        return "empty"
    result = session.execute(
        update(OrderRating).where(OrderRating.order_id == order_id, OrderRating.resident_id == resident_id,
                                  OrderRating.comment == "").values(comment=comment))
    if result.rowcount == 1:
        return "saved"
    return "already" if order_rating(session, order_id, resident_id) else "not_found"


def order_history(session: Session, order_id: int) -> list[OrderEvent]:
    """Every step of an order, oldest first."""
    return list(session.exec(select(OrderEvent).where(OrderEvent.order_id == order_id)
                             .order_by(OrderEvent.created_at, OrderEvent.id)))


def last_dispatcher(session: Session, order_id: int) -> int | None:
    """The resident who last dispatched the order."""
    return session.exec(select(OrderEvent.actor_resident_id).where(
        OrderEvent.order_id == order_id, OrderEvent.to_status == DISPATCHED)
        .order_by(OrderEvent.id.desc())).first()


def resident_orders(session: Session, resident_id: int) -> list[ServiceOrder]:
    """The orders a resident placed, newest first."""
    return list(session.exec(select(ServiceOrder).where(ServiceOrder.ordered_by == resident_id)
                             .order_by(ServiceOrder.created_at.desc(), ServiceOrder.id.desc())))


def open_orders(session: Session, communities: list[str] | None = None) -> list[ServiceOrder]:
    """Orders still moving (new ones first), in the given communities (None = all)."""
    query = select(ServiceOrder).where(ServiceOrder.status.in_(OPEN_STATUSES))
    if communities is not None:
        query = query.where(ServiceOrder.community.in_(communities))
    rows = session.exec(query.order_by(ServiceOrder.created_at, ServiceOrder.id)).all()
    rank = {status: index for index, status in enumerate(OPEN_STATUSES)}
    return sorted(rows, key=lambda order: rank[order.status])


def team_orders(session: Session, resident_id: int) -> list[ServiceOrder]:
    """Orders dispatched to or accepted by the resident's teams, oldest first."""
    teams = team_ids_of(session, resident_id)
    if not teams:
        return []
    return list(session.exec(select(ServiceOrder).where(
        ServiceOrder.team_id.in_(teams), ServiceOrder.status.in_((DISPATCHED, ACCEPTED)))
        .order_by(ServiceOrder.created_at, ServiceOrder.id)))


def active_services(session: Session) -> list[ServiceItem]:
    """The services residents can order, in menu order."""
    return list(session.exec(select(ServiceItem).where(ServiceItem.active == True)  # noqa: E712
                             .order_by(ServiceItem.sort_order, ServiceItem.id)))


def service_by_code(session: Session, code: str) -> ServiceItem | None:
    """A service by its code."""
    return session.exec(select(ServiceItem).where(ServiceItem.code == code)).first()
