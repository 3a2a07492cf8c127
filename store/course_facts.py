"""What a course's page and the sign-up question show beside the course and its sessions, read in
one statement: free seats, whether anyone waits in line, the teaching point, the reader's own place."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.orm import Session

from store.enrolments import CONFIRMED_SEATS, LINE_WAITS, OFFERED_SEATS
from store.models import Course, Enrolment, Venue
from store.models.enrolment import CANCELLED

_E, _V = Enrolment.__table__, Venue.__table__
_VENUE = bindparam("venue_id")


def _mine(column: str):
    """One column of the resident's live place (at most one, by a partial unique index). The status
    is written out, not bound, so both databases see the index's condition."""
    return (select(_E.c[column]).where(_E.c.course_id == bindparam("course_id"),
                                       _E.c.resident_id == bindparam("resident_id"),
                                       _E.c.status != literal_column(f"'{CANCELLED}'"))
            .limit(1).scalar_subquery().label(f"mine_{column}"))


_FACTS = select(
    CONFIRMED_SEATS.label("confirmed"), OFFERED_SEATS.label("offered"), LINE_WAITS.label("line_waits"),
    select(_V.c.name).where(_V.c.id == _VENUE).scalar_subquery().label("venue"),
    select(_V.c.address).where(_V.c.id == _VENUE).scalar_subquery().label("address"),
    _mine("id"), _mine("status"), _mine("queue_no"),
)


@dataclass(frozen=True)
class Place:
    """A resident's live place in a course (confirmed, waiting or applied)."""

    id: int
    course_id: int
    status: str
    queue_no: int | None


@dataclass(frozen=True)
class CourseFacts:
    """Free seats (seats on offer are not free), whether anyone waits in line with no seat on offer
    (a newcomer may not pass them), the teaching point ("" when none) and the resident's live place."""

    seats_left: int
    line_waits: bool
    venue: str
    address: str
    mine: Place | None


def course_facts(session: Session, course: Course, resident_id: int) -> CourseFacts:
    """The facts of a course's page for one resident, in one statement."""
    session.flush()  # a place the turn changed through the ORM is read as changed
    row = session.connection().execute(_FACTS, {"course_id": course.id, "resident_id": resident_id,
                                                "venue_id": course.venue_id}).one()
    mine = (Place(row.mine_id, course.id, row.mine_status, row.mine_queue_no)
            if row.mine_id is not None else None)
    return CourseFacts(max(0, course.capacity - row.confirmed - row.offered), bool(row.line_waits),
                       row.venue or "", row.address or "", mine)
