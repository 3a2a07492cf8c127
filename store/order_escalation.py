"""Orders nobody took at their 服务点 in time, and the staff of the unit they pass up to."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from store.models.orders import ORDERED, ServiceOrder
from store.models.staff import RoleGrant
from store.models.units import Unit
from store.units import branch_of, root_unit


def overdue_orders(session: Session, now: datetime, after: timedelta, limit: int = 100) -> list[ServiceOrder]:
    """Orders still waiting (已点单) at their 服务点 for `after` or longer, locked for this round
    (other workers skip them)."""
    query = (select(ServiceOrder)
             .where(ServiceOrder.status == ORDERED, ServiceOrder.escalated_at.is_(None),
                    ServiceOrder.unit_id.is_not(None), ServiceOrder.created_at <= now - after)
             .order_by(ServiceOrder.id).limit(limit).with_for_update(skip_locked=True))
    return list(session.exec(query))


def escalation_target(session: Session, order: ServiceOrder) -> Unit | None:
    """The unit an order passes up to: its 分馆, or the 总馆 when it has no 分馆 above it."""
    branch = branch_of(session, order.unit_id) if order.unit_id else None
    if branch is not None and branch.id != order.unit_id:
        return branch
    root = root_unit(session)
    return root if root is not None and root.id != order.unit_id else None


def staff_on(session: Session, role: str, unit_id: int) -> list[int]:
    """The residents holding a role on exactly this unit (not above it), by id."""
    rows = session.exec(select(RoleGrant.resident_id).where(RoleGrant.role == role, RoleGrant.unit_id == unit_id))
    return sorted(set(rows))


def mark_escalated(session: Session, order: ServiceOrder, now: datetime) -> None:
    """Note that the order went up; it stays the 服务点's order, the 分馆 now looks after it too."""
    order.escalated_at = now
    session.add(order)
    session.flush()
