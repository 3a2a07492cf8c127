"""Taking a seat, cancelling and promoting from the waiting list — each inside the caller's transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import bindparam, exists, func, insert
from sqlmodel import Session, select

from store.catalog import held_courses, next_session, read_locked
from store.clock import utcnow
from store.models import ClassSession, Course, Enrolment
from store.models.enrolment import CANCELLED, CONFIRMED, STATUSES, WAITING
from store.models.seat_offer import DECLINED, OPEN, SeatOffer
from store.prepared import Prepared, connection_of
from store.push_plan import PLANNED_UNTIL
from store.written import written

AUTO = "auto"  # a course's seat_offer: freed seats go straight to the first waiting
OFFER = "offer"  # freed seats are offered with a deadline (store/seat_offers.py)


@dataclass(frozen=True)
class SignUpResult:
    """What happened to a sign-up: status is confirmed, waiting, already_confirmed,
    already_waiting, not_found or ended."""

    status: str
    enrolment_id: int | None = None
    position: int = 0  # place on the waiting list, 1 = next in line
    planned_until: datetime | None = None  # confirmed: how far reminders and polls are planned (store.push_plan)


@dataclass(frozen=True)
class CancelResult:
    """What a cancellation did: status is cancelled, not_found or already_cancelled."""

    status: str
    course_id: int | None = None
    was_confirmed: bool = False
    promoted: Enrolment | None = None  # the first promoted; promotions lists them all
    promotions: tuple[Enrolment, ...] = ()


_LOCK_COURSE = (select(Course).where(Course.id == bindparam("course_id")).with_for_update()
                .execution_options(populate_existing=True))
_E, _S, _O = Enrolment.__table__, ClassSession.__table__, SeatOffer.__table__
_COURSE, _RESIDENT = bindparam("course_id"), bindparam("resident_id")


def _scalar(column, *where):
    return select(column).where(*where).scalar_subquery()


# Seats confirmed (companions included) and seats held by open offers, for one course (bound as
# course_id); the course page reads them beside its other facts (store.course_facts).
CONFIRMED_SEATS = _scalar(func.coalesce(func.sum(_E.c.party), 0),
                          _E.c.course_id == _COURSE, _E.c.status == CONFIRMED)
OFFERED_SEATS = _scalar(func.coalesce(func.sum(_O.c.seats), 0), _O.c.course_id == _COURSE,
                        _O.c.status == written(OPEN))

def live_place_column(column: str):
    """One column of the resident's live place in the course (bound as course_id and resident_id; at
    most one, by a partial unique index). The status is written out (store.written)."""
    return (select(_E.c[column]).where(_E.c.course_id == _COURSE, _E.c.resident_id == _RESIDENT,
                                       _E.c.status != written(CANCELLED))
            .limit(1).scalar_subquery())


# Everything a sign-up decides on, in one statement read under the course lock. Only confirmed rows
# are summed (at most the capacity); the waiting list is counted and the last queue number found
# on the (course_id, status, queue_no) index, one status at a time, without reading the rows.
_SEATS = Prepared(select(
    _scalar(func.max(_S.c.ends_at), _S.c.course_id == _COURSE).label("last_end"),
    CONFIRMED_SEATS.label("confirmed"),
    _scalar(func.count(), _E.c.course_id == _COURSE, _E.c.status == WAITING).label("waiting"),
    *(_scalar(func.max(_E.c.queue_no), _E.c.course_id == _COURSE, _E.c.status == status).label(f"last_{status}")
      for status in STATUSES),
    live_place_column("id").label("mine"),
    OFFERED_SEATS.label("offered"),
    PLANNED_UNTIL.label("planned_until"),
))
_ADD = Prepared(insert(_E).returning(_E.c.id), columns=(
    "course_id", "resident_id", "status", "party", "queue_no", "reminders_on", "created_at", "updated_at",
    "confirmed_at", "cancelled_at"))


def lock_course(session: Session, course_id: int) -> Course | None:
    """Load a course and hold its row lock until the transaction ends; on PostgreSQL it is read again
    under the lock. SQLite's transactions begin IMMEDIATE, holding the database's write lock from the
    start (store.db), so a course this transaction has read already is current and is not read again."""
    if session.get_bind().dialect.name != "postgresql":
        return session.get(Course, course_id)
    if course_id in held_courses(session):  # read under its lock already (course_by_code with lock)
        return session.get(Course, course_id)
    return read_locked(session, _LOCK_COURSE, {"course_id": course_id})


def live_enrolment(session: Session, course_id: int, resident_id: int) -> Enrolment | None:
    """The resident's confirmed or waiting place in a course, if any."""
    return session.exec(
        select(Enrolment).where(
            Enrolment.course_id == course_id, Enrolment.resident_id == resident_id,
            Enrolment.status != written(CANCELLED),
        )
    ).first()


def count_confirmed(session: Session, course_id: int) -> int:
    """Seats taken in a course: one per person, companions included."""
    return session.exec(
        select(func.coalesce(func.sum(Enrolment.party), 0)).where(
            Enrolment.course_id == course_id, Enrolment.status == CONFIRMED)
    ).one()


_TAKEN = Prepared(select(CONFIRMED_SEATS.label("confirmed"), OFFERED_SEATS.label("offered")))  # in one statement
# Waiting in line for the course (bound as course_id) with no seats on offer.
_IN_LINE = (_E.c.course_id == _COURSE, _E.c.status == WAITING, _E.c.id.not_in(
    select(_O.c.enrolment_id).where(_O.c.course_id == _COURSE, _O.c.status == written(OPEN))))
LINE_WAITS = exists().where(*_IN_LINE)  # someone is (first_waiting would find them)
_FIRST_IN_LINE = select(Enrolment).where(*_IN_LINE).order_by(Enrolment.queue_no).limit(1)


def seats_left(session: Session, course: Course) -> int:
    """Free seats of a course (seats on offer are not free), never below zero."""
    session.flush()  # places the turn changed through the ORM count as changed
    confirmed, offered = _TAKEN.first(connection_of(session), {"course_id": course.id})
    return max(0, course.capacity - confirmed - offered)


def party_problem(course: Course, party: int) -> str | None:
    """Why a party of this size cannot sign up for the course, or None."""
    if party < 1 or party > 1 + course.companions_max:
        return "bad_party"
    if party > course.capacity:
        return "party_too_big"
    return None


class Queued(Protocol):
    """A place in a course's queue: an Enrolment, or the Place a course page reads."""

    course_id: int
    queue_no: int | None


def waiting_position(session: Session, enrolment: Queued) -> int:
    """1-based place of a waiting enrolment in its course's queue."""
    ahead = session.exec(
        select(func.count()).select_from(Enrolment).where(
            Enrolment.course_id == enrolment.course_id, Enrolment.status == WAITING,
            Enrolment.queue_no < enrolment.queue_no)
    ).one()
    return ahead + 1


def confirmed_residents(session: Session, course_id: int) -> list[int]:
    """The residents holding a seat in a course, in the order they got it."""
    return list(session.exec(select(Enrolment.resident_id).where(
        Enrolment.course_id == course_id, Enrolment.status == CONFIRMED).order_by(Enrolment.queue_no)))


def take_seat(session: Session, resident_id: int, course_id: int,
              now: datetime | None = None, party: int = 1) -> SignUpResult:
    """Give the resident (and party - 1 companions) seats, or a waiting-list place when the seats
    do not fit or others already wait."""
    moment = now or utcnow()
    course = lock_course(session, course_id)
    if course is None:
        return SignUpResult("not_found")
    session.flush()
    seats = _SEATS.first(connection_of(session), {"course_id": course_id, "resident_id": resident_id})
    if seats.last_end is not None and seats.last_end < moment:
        return SignUpResult("ended" if course.active else "not_found")
    if not course.active:
        return SignUpResult("not_found")
    if seats.mine is not None:
        existing = session.get(Enrolment, seats.mine)
        if existing.status == CONFIRMED:
            return SignUpResult("already_confirmed", existing.id)
        return SignUpResult("already_waiting", existing.id, waiting_position(session, existing))
    problem = party_problem(course, party)
    if problem:
        return SignUpResult(problem)
    # Nobody jumps the queue: while anyone waits, a newcomer waits behind them.
    fits = seats.confirmed + seats.offered + party <= course.capacity
    status = CONFIRMED if fits and not seats.waiting else WAITING
    last_no = max(getattr(seats, f"last_{status}") or 0 for status in STATUSES)
    enrolment_id = _ADD.first(connection_of(session), {
        "course_id": course_id, "resident_id": resident_id, "status": status, "party": party,
        "queue_no": last_no + 1, "reminders_on": True, "created_at": moment, "updated_at": moment,
        "confirmed_at": moment if status == CONFIRMED else None, "cancelled_at": None}).id
    if status == CONFIRMED:
        return SignUpResult(CONFIRMED, enrolment_id, planned_until=seats.planned_until)
    return SignUpResult(WAITING, enrolment_id, seats.waiting + 1)


def first_waiting(session: Session, course_id: int) -> Enrolment | None:
    """The next resident in line for a course who has no seats on offer."""
    return session.execute(_FIRST_IN_LINE, {"course_id": course_id}).scalars().first()


def promote_waiting(session: Session, course: Course, now: datetime | None = None) -> Enrolment | None:
    """Seat the first one waiting when their whole party fits; the caller holds the course lock.
    Courses that offer freed seats are left to the offers."""
    if course.seat_offer != AUTO:
        return None
    nxt = first_waiting(session, course.id)
    if nxt is None or nxt.party > seats_left(session, course):
        return None  # the head of the queue waits for room for everyone; nobody skips ahead
    nxt.status = CONFIRMED
    nxt.updated_at = nxt.confirmed_at = now or utcnow()
    session.add(nxt)
    session.flush()
    return nxt


def cancel_enrolment(session: Session, resident_id: int, enrolment_id: int,
                     now: datetime | None = None) -> CancelResult:
    """Cancel the resident's own place (the row stays, with its time); a freed seat goes to the
    first one waiting."""
    found = session.get(Enrolment, enrolment_id)
    if found is None or found.resident_id != resident_id:
        return CancelResult("not_found")
    course = lock_course(session, found.course_id)
    session.refresh(found)  # re-read under the lock
    if found.status == CANCELLED:
        return CancelResult("already_cancelled", found.course_id)
    was_confirmed = found.status == CONFIRMED
    found.status = CANCELLED
    found.updated_at = found.cancelled_at = now or utcnow()
    session.add(found)
    session.flush()
    withdraw_offer(session, found, now or utcnow())
    promotions = promote_all(session, course, now) if course else ()
    return CancelResult("cancelled", found.course_id, was_confirmed,
                        promotions[0] if promotions else None, promotions)


def withdraw_offer(session: Session, enrolment: Enrolment, now: datetime) -> None:
    """A cancelled waiting place gives back the seats offered to it."""
    for offer in session.exec(select(SeatOffer).where(SeatOffer.enrolment_id == enrolment.id,
                                                      SeatOffer.status == written(OPEN))):
        offer.status, offer.answered_at = DECLINED, now
        session.add(offer)
    session.flush()


def promote_all(session: Session, course: Course, now: datetime | None = None) -> tuple[Enrolment, ...]:
    """Seat waiting parties in order while they fit; the caller holds the course lock."""
    promoted = []
    while (nxt := promote_waiting(session, course, now)) is not None:
        promoted.append(nxt)
    return tuple(promoted)


def set_reminders(session: Session, resident_id: int, enrolment_id: int, on: bool) -> Enrolment | None:
    """Switch the resident's reminders for one of their live places; None when it is not theirs."""
    found = session.get(Enrolment, enrolment_id)
    if found is None or found.resident_id != resident_id or found.status == CANCELLED:
        return None
    found.reminders_on = on
    session.add(found)
    session.flush()
    return found


def ever_seated(session: Session, course_ids: set[int] | list[int]) -> list[Enrolment]:
    """Every enrolment of these courses that ever held a seat (the caller compares times)."""
    if not course_ids:
        return []
    return list(session.exec(select(Enrolment).where(
        Enrolment.course_id.in_(list(course_ids)), Enrolment.confirmed_at.is_not(None))))


def held_seat_at(enrolment: Enrolment, moment: datetime) -> bool:
    """True when the enrolment held a seat at that moment (confirmed by then, not yet cancelled)."""
    return (enrolment.confirmed_at is not None and enrolment.confirmed_at <= moment
            and (enrolment.cancelled_at is None or enrolment.cancelled_at > moment))


def resident_enrolments(session: Session, resident_id: int) -> list[Enrolment]:
    """The resident's live places, oldest first."""
    return list(session.exec(
        select(Enrolment).where(Enrolment.resident_id == resident_id, Enrolment.status != written(CANCELLED))
        .order_by(Enrolment.created_at, Enrolment.id)
    ))


def upcoming_places(session: Session, resident_id: int, now: datetime) -> list[tuple[Enrolment, Course]]:
    """The resident's live places in active courses that still have a session ahead, oldest first."""
    out = []
    for enrolment in resident_enrolments(session, resident_id):
        course = session.get(Course, enrolment.course_id)
        if course and course.active and next_session(session, course.id, now):
            out.append((enrolment, course))
    return out
