"""Acting for a resident (代办): finding a person by name and phone 尾号, registering one who has
no chat account, and marking what staff or a relative did on their behalf."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from store.models import ChannelAccount, Enrolment, Resident, ServiceOrder
from store.models.enrolment import CANCELLED
from store.phones import PhoneCipher, is_sealed
from store.roles import audit
from store.written import written

MAX_MATCHES = 20


@dataclass(frozen=True)
class Registered:
    """status: registered, or existing (the same name and phone were already there)."""

    status: str
    resident: Resident


def find_people(session: Session, cipher: PhoneCipher, name: str, tail: str,
                communities: list[str] | None = None) -> list[Resident]:
    """People whose name contains `name` and whose phone ends in `tail`, by the indexed digest; at
    most MAX_MATCHES, limited to those communities when given (None: everywhere)."""
    digest = cipher.tail_digest(tail)
    name = name.strip()
    if not digest or not name:
        return []
    query = select(Resident).where(Resident.phone_tail == digest, Resident.erased_at.is_(None),
                                   Resident.display_name.contains(name))
    if communities is not None:
        query = query.where(Resident.community.in_(communities))
    return list(session.exec(query.order_by(Resident.display_name, Resident.id).limit(MAX_MATCHES)))


def register_person(session: Session, cipher: PhoneCipher, *, name: str, phone: str, community: str,
                    staff_id: int, actor: str, now: datetime) -> Registered:
    """A person with no chat account of their own; the one already registered with this name and
    phone is returned instead of a second (only those few candidates' numbers are opened)."""
    digest = cipher.tail_digest(phone)
    for known in session.exec(select(Resident).where(Resident.phone_tail == digest,
                                                     Resident.display_name == name,
                                                     Resident.erased_at.is_(None))):
        if cipher.open(known.phone) == phone:
            return Registered("existing", known)
    person = Resident(display_name=name, community=community, phone=cipher.seal(phone), phone_tail=digest,
                      registered_by=staff_id, created_at=now)
    session.add(person)
    session.flush()
    audit(session, "proxy.register", actor_resident_id=staff_id, actor=actor, target=f"resident:{person.id}",
          detail={"community": community}, now=now)
    return Registered("registered", person)


def has_channel(session: Session, resident_id: int) -> bool:
    """True when the person writes from any chat account (a push can reach them)."""
    return session.exec(select(ChannelAccount.id).where(ChannelAccount.resident_id == resident_id)).first() is not None


def mark_proxy(session: Session, record: Any, by: int) -> None:
    """Mark a place, leave or booking as made by someone acting for its resident."""
    record.proxy_by = by
    session.add(record)


def proxied_in(session: Session, course_id: int) -> set[int]:
    """The residents whose live place in the course someone made on their behalf (代办)."""
    return set(session.exec(select(Enrolment.resident_id).where(
        Enrolment.course_id == course_id, Enrolment.status != written(CANCELLED),
        Enrolment.proxy_by.is_not(None))))


def fill_phone_tails(session: Session, cipher: PhoneCipher, batch: int = 500) -> int:
    """Give people who have a phone but no 尾号 digest yet one, so staff can find them: a phone staff
    registered before the key was set (sealed now too), or else the contact phone of the latest order
    the person placed themselves. Opens only those numbers, a batch at a time; how many were filled."""
    filled = 0
    for person in session.exec(select(Resident).where(Resident.phone != "", Resident.phone_tail == "")
                               .limit(batch)):
        phone = cipher.open(person.phone)
        person.phone = person.phone if is_sealed(person.phone) else cipher.seal(phone)
        person.phone_tail = cipher.tail_digest(phone) or "-"  # "-": no 4 digits to find by, never looked at again
        session.add(person)
        filled += 1
    latest = (select(ServiceOrder.ordered_by, func.max(ServiceOrder.id).label("order_id"))
              .where(ServiceOrder.contact_phone != "", ServiceOrder.ordered_by.is_not(None))
              .group_by(ServiceOrder.ordered_by).subquery())
    rows = session.exec(select(Resident, ServiceOrder).join(latest, latest.c.ordered_by == Resident.id)
                        .join(ServiceOrder, ServiceOrder.id == latest.c.order_id)
                        .where(Resident.phone == "", Resident.phone_tail == "", Resident.erased_at.is_(None))
                        .limit(batch)).all()
    for person, order in rows:
        phone = cipher.open(order.contact_phone)
        person.phone, person.phone_tail = cipher.seal(phone), cipher.tail_digest(phone) or "-"
        session.add(person)
        filled += 1
    session.flush()
    return filled
