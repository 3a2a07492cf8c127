"""Offering freed seats to the waiting list in order, with a deadline; answering and expiring
offers. Each runs inside the caller's transaction under the course's row lock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from store.catalog import next_session
from store.enrolments import OFFER, first_waiting, lock_course, seats_left
from store.models import Course, Enrolment
from store.models.enrolment import CANCELLED, CONFIRMED, WAITING
from store.models.seat_offer import ACCEPTED, DECLINED, EXPIRED, OPEN, SeatOffer
from store.written import written


@dataclass(frozen=True)
class OfferAnswer:
    """What answering an offer did: status is accepted, declined, expired, answered or not_found."""

    status: str
    offer: SeatOffer | None = None
    course: Course | None = None


def offer_deadline(session: Session, course: Course, now: datetime, hours: float) -> datetime:
    """The answer is due within `hours`, or half the time left before the next session if sooner."""
    deadline = now + timedelta(hours=hours)
    nxt = next_session(session, course.id, now)
    if nxt is not None and nxt.starts_at > now:
        deadline = min(deadline, now + (nxt.starts_at - now) / 2)
    return deadline


def offer_free_seats(session: Session, course: Course, now: datetime, hours: float) -> list[SeatOffer]:
    """Offer free seats to the waiting list in order while the head's whole party fits; the
    caller holds the course lock."""
    if course.seat_offer != OFFER or not course.active:
        return []
    offers = []
    while True:
        head = first_waiting(session, course.id)
        if head is None or head.party > seats_left(session, course):
            return offers
        offer = SeatOffer(course_id=course.id, enrolment_id=head.id, resident_id=head.resident_id,
                          seats=head.party, expires_at=offer_deadline(session, course, now, hours),
                          created_at=now)
        session.add(offer)
        session.flush()
        offers.append(offer)


def _close(session: Session, offer: SeatOffer, status: str, now: datetime) -> Enrolment:
    """Close an offer; the waiting place is seated (accepted) or leaves the list (otherwise)."""
    offer.status, offer.answered_at = status, now
    enrolment = session.get(Enrolment, offer.enrolment_id)
    session.refresh(enrolment)
    if status == ACCEPTED:
        enrolment.status, enrolment.confirmed_at = CONFIRMED, now
    else:
        enrolment.status, enrolment.cancelled_at = CANCELLED, now
    enrolment.updated_at = now
    session.add_all([offer, enrolment])
    session.flush()
    return enrolment


def answer_offer(session: Session, resident_id: int, offer_id: int, accept: bool, now: datetime) -> OfferAnswer:
    """接受 or 放弃 an offer made to this resident; after its deadline the answer is 'expired'."""
    offer = session.get(SeatOffer, offer_id)
    if offer is None or offer.resident_id != resident_id:
        return OfferAnswer("not_found")
    course = lock_course(session, offer.course_id)
    session.refresh(offer)  # re-read under the lock: another worker may have closed it
    if offer.status == EXPIRED or (offer.status == OPEN and offer.expires_at <= now):
        if offer.status == OPEN:
            _close(session, offer, EXPIRED, now)
        return OfferAnswer("expired", offer, course)
    if offer.status != OPEN:
        return OfferAnswer("answered", offer, course)
    if session.get(Enrolment, offer.enrolment_id).status != WAITING:
        _close(session, offer, DECLINED, now)  # the place was cancelled meanwhile
        return OfferAnswer("answered", offer, course)
    _close(session, offer, ACCEPTED if accept else DECLINED, now)
    return OfferAnswer("accepted" if accept else "declined", offer, course)


def expire_overdue(session: Session, now: datetime, limit: int = 100) -> list[SeatOffer]:
    """Close open offers past their deadline (their places leave the waiting list)."""
    due = list(session.exec(select(SeatOffer.id, SeatOffer.course_id).where(
        SeatOffer.status == written(OPEN), SeatOffer.expires_at <= now)
        # Course locks are always taken in course order, so two rounds never deadlock.
        .order_by(SeatOffer.course_id, SeatOffer.id).limit(limit)))
    expired = []
    for offer_id, course_id in due:
        lock_course(session, course_id)
        offer = session.get(SeatOffer, offer_id)
        session.refresh(offer)
        if offer.status == OPEN and offer.expires_at <= now:
            _close(session, offer, EXPIRED, now)
            expired.append(offer)
    return expired


def offer_course_ids(session: Session) -> list[int]:
    """Active courses that offer freed seats and have someone waiting."""
    return list(session.exec(select(Course.id).where(
        Course.seat_offer == OFFER, Course.active,
        Course.id.in_(select(Enrolment.course_id).where(Enrolment.status == WAITING))).order_by(Course.id)))


def open_offer_of(session: Session, enrolment_id: int) -> SeatOffer | None:
    """The open offer of a waiting place, if any."""
    return session.exec(select(SeatOffer).where(SeatOffer.enrolment_id == enrolment_id,
                                                SeatOffer.status == written(OPEN))).first()
