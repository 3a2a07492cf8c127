"""What a course's page and the sign-up question show beside the course and its sessions, read in
one statement: free seats, whether anyone waits in line, the teaching point, the reader's own place."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from store.enrolments import CONFIRMED_SEATS, LINE_WAITS, OFFERED_SEATS, live_place_column
from store.models import Course, Venue
from store.prepared import Prepared, connection_of

_V = Venue.__table__
_VENUE = bindparam("venue_id")

_FACTS = Prepared(select(
    CONFIRMED_SEATS.label("confirmed"), OFFERED_SEATS.label("offered"), LINE_WAITS.label("line_waits"),
    select(_V.c.name).where(_V.c.id == _VENUE).scalar_subquery().label("venue"),
    select(_V.c.address).where(_V.c.id == _VENUE).scalar_subquery().label("address"),
    *(live_place_column(column).label(f"mine_{column}") for column in ("id", "status", "queue_no")),
))


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
    row = _FACTS.first(connection_of(session), {"course_id": course.id, "resident_id": resident_id,
                                              "venue_id": course.venue_id})
    mine = (Place(row.mine_id, course.id, row.mine_status, row.mine_queue_no)
            if row.mine_id is not None else None)
    return CourseFacts(max(0, course.capacity - row.confirmed - row.offered), bool(row.line_waits),
                       row.venue or "", row.address or "", mine)
