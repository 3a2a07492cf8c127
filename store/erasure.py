"""Deleting a person on their request, in the caller's one transaction.

What is owed to others happens as in a normal cancel: a freed seat goes to the first one
waiting (the caller queues their push). The person row and their past rows stay, so the
monthly figures (场次, 人次, sign-ups, ratings) do not move; what names or reaches the person
goes: the name, the contact on their orders, the channel accounts, dialog and chat history."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, select

from store.bookings import BookingRules, booking_push_prefix, cancel_booking
from store.catalog import next_session
from store.enrolments import cancel_enrolment, resident_enrolments
from store.models import (Booking, ChannelAccount, DialogState, Enrolment, FamilyCode, FamilyLink, LinkCode,
                          NoticeSubscription, OrderEvent, OutboxMessage, Resident, RoleGrant, ServiceOrder,
                          Volunteer, WebInboxMessage, WechatWindow)
from store.models.booking import BOOKED
from store.models.enrolment import WAITING
from store.models.orders import OPEN_STATUSES, WITHDRAWN
from store.models.outbox import PENDING, SKIPPED
from store.outbox import drop_pending
from store.roles import audit
from store.written import written

ERASED_PREFIX = "erased:"  # an erased account's external_id: no channel user can ever match it


@dataclass
class ErasureResult:
    """What deleting a person did; status is erased or already."""

    status: str
    places_cancelled: int = 0
    promoted: list[Enrolment] = field(default_factory=list)
    bookings_cancelled: int = 0
    orders_withdrawn: int = 0
    accounts_removed: int = 0


def lock_resident(session: Session, resident_id: int) -> Resident | None:
    """The person, row-locked until the transaction ends."""
    return session.exec(select(Resident).where(Resident.id == resident_id).with_for_update()
                        .execution_options(populate_existing=True)).first()


def _cancel_places(session: Session, resident_id: int, now: datetime, result: ErasureResult) -> None:
    # Places in courses still running are given up; a finished course's place is history and stays.
    for enrolment in resident_enrolments(session, resident_id):
        if enrolment.status != WAITING and next_session(session, enrolment.course_id, now) is None:
            continue
        cancelled = cancel_enrolment(session, resident_id, enrolment.id)
        if cancelled.status == "cancelled":
            result.places_cancelled += 1
            if cancelled.promoted is not None:
                result.promoted.append(cancelled.promoted)


def _cancel_bookings(session: Session, resident_id: int, now: datetime, result: ErasureResult) -> None:
    always = BookingRules(cancel_hours=0)
    ids = session.exec(select(Booking.id).where(Booking.resident_id == resident_id, Booking.status == written(BOOKED),
                                                Booking.starts_at > now)).all()
    for booking_id in ids:
        if cancel_booking(session, resident_id, booking_id, now, always).status == "cancelled":
            result.bookings_cancelled += 1
        drop_pending(session, booking_push_prefix(booking_id))


def _withdraw_orders(session: Session, resident_id: int, now: datetime, result: ErasureResult) -> None:
    orders = session.exec(select(ServiceOrder).where(ServiceOrder.ordered_by == resident_id)
                          .with_for_update()).all()
    for order in orders:
        if order.status in OPEN_STATUSES:
            session.add(OrderEvent(order_id=order.id, actor_resident_id=resident_id, from_status=order.status,
                                   to_status=WITHDRAWN, created_at=now))
            order.status = WITHDRAWN
            result.orders_withdrawn += 1
        order.contact_name, order.contact_phone, order.updated_at = "", "", now
        session.add(order)


def _remove_accounts(session: Session, resident_id: int, result: ErasureResult) -> None:
    accounts = session.exec(select(ChannelAccount).where(ChannelAccount.resident_id == resident_id)).all()
    ids = [a.id for a in accounts]
    if ids:
        # Emptied rather than deleted: the turn that erases saves its (empty) state after this.
        session.execute(update(DialogState).where(DialogState.account_id.in_(ids))
                        .values(data="{}", expect="", state="", expires_at=None))
        session.execute(delete(WebInboxMessage).where(WebInboxMessage.account_id.in_(ids)))
        session.execute(delete(WechatWindow).where(WechatWindow.account_id.in_(ids)))
    for account in accounts:
        account.external_id = f"{ERASED_PREFIX}{account.id}"
        account.unreachable = True
        session.add(account)
    result.accounts_removed = len(accounts)


def erase_resident(session: Session, resident_id: int, now: datetime, actor: str = "") -> ErasureResult:
    """Delete a person on their request: places, bookings and open orders given up, the person
    anonymised and unreachable, an audit row kept. The caller tells those promoted."""
    resident = lock_resident(session, resident_id)
    if resident is None or resident.erased_at is not None:
        return ErasureResult("already")
    result = ErasureResult("erased")
    _cancel_places(session, resident_id, now, result)
    _cancel_bookings(session, resident_id, now, result)
    _withdraw_orders(session, resident_id, now, result)
    session.execute(update(OutboxMessage).where(OutboxMessage.resident_id == resident_id,
                                                OutboxMessage.status == PENDING)
                    .values(status=SKIPPED, last_error="account deleted"))
    for table in (RoleGrant, NoticeSubscription, LinkCode):
        session.execute(delete(table).where(table.resident_id == resident_id))
    session.execute(update(Volunteer).where(Volunteer.resident_id == resident_id)
                    .values(name="", skills="", available="", note=""))
    _remove_accounts(session, resident_id, result)
    # Family links both ways end, and a phone staff registered goes with its 尾号 digest.
    session.execute(update(FamilyLink).where(
        (FamilyLink.elder_id == resident_id) | (FamilyLink.member_id == resident_id),
        FamilyLink.removed_at.is_(None)).values(removed_at=now))
    session.execute(update(FamilyCode).where(FamilyCode.elder_id == resident_id, FamilyCode.used_at.is_(None))
                    .values(expires_at=now))
    resident.display_name, resident.reminders_on, resident.erased_at = "", False, now
    resident.phone, resident.phone_tail = "", ""
    session.add(resident)
    audit(session, "account_erased", actor_resident_id=resident_id, actor=actor, target=f"resident:{resident_id}",
          detail=json.dumps({"places": result.places_cancelled, "promoted": len(result.promoted),
                             "bookings": result.bookings_cancelled, "orders": result.orders_withdrawn,
                             "accounts": result.accounts_removed}), now=now)
    session.flush()
    return result
