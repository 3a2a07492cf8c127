"""Orders (点单) first go to the staff of the resident's 服务点; those nobody took within
[units] escalate_after_hours are passed up to the 分馆, whose staff are told through the outbox."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.dialogs.pushes.seats import queue_reply
from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from store.db import Database
from store.models import ServiceItem, ServiceOrder
from store.models.staff import ORGANIZER
from store.models.units import Unit
from store.order_escalation import escalation_target, mark_escalated, overdue_orders, staff_on
from store.roles import audit, holders_of

# The button the orders feature answers (bot/dialogs/orders/callbacks.py StaffOrder).
STAFF_ORDER = "so"


def _reply(session: Session, settings: Settings, order: ServiceOrder, key: str, **extra: object) -> Reply:
    lang = settings.general.language
    service = session.get(ServiceItem, order.service_id)
    text = t(key, lang, number=order.number, service=service.name if service else "",
             community=order.community, **extra)
    return Reply(text, (Choice(t("btn_units_see_order", lang), f"{STAFF_ORDER}:{order.id}"),))


def tell_point_staff(session: Session, settings: Settings, order: ServiceOrder, now: datetime) -> int:
    """A new order: tell the organizers of its 服务点; how many were told."""
    if order.unit_id is None:
        return 0
    staff = staff_on(session, ORGANIZER, order.unit_id)
    reply = _reply(session, settings, order, "units_order_new")
    for resident_id in staff:
        queue_reply(session, resident_id, f"order_new:{order.id}:{resident_id}", "order", reply, now)
    return len(staff)


def run_order_escalation(db: Database, settings: Settings, now: datetime) -> int:
    """Pass overdue orders up and tell the staff there; how many orders went up this round."""
    hours = settings.units.escalate_after_hours
    if hours <= 0:
        return 0
    done = 0
    with db.session() as session:
        for order in overdue_orders(session, now, timedelta(hours=hours)):
            target = escalation_target(session, order)
            mark_escalated(session, order, now)
            if target is None:
                continue
            staff = staff_on(session, ORGANIZER, target.id) or holders_of(session, ORGANIZER, unit_id=target.id)
            point = session.get(Unit, order.unit_id)
            reply = _reply(session, settings, order, "units_order_escalated", hours=f"{hours:g}",
                           point=point.name if point else order.community)
            for resident_id in staff:
                queue_reply(session, resident_id, f"order_escalated:{order.id}:{resident_id}", "order", reply, now)
            audit(session, "order.escalate", actor="housekeeping", target=f"order:{order.number}",
                  detail={"to_unit": target.code, "told": len(staff)}, now=now)
            done += 1
    return done
