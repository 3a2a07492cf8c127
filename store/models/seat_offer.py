"""A freed seat offered to the first one waiting, who accepts or gives it up before a deadline."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from store.clock import utcnow

OPEN = "open"
ACCEPTED = "accepted"
DECLINED = "declined"
EXPIRED = "expired"


class SeatOffer(SQLModel, table=True):
    """Seats held for one waiting place until it answers or the deadline passes."""

    __tablename__ = "seat_offer"
    __table_args__ = (
        # One open offer per waiting place: two workers never offer the same seats twice.
        Index("uq_seat_offer_open", "enrolment_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_seat_offer_status_expires", "status", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    enrolment_id: int = Field(foreign_key="enrolment.id")
    resident_id: int = Field(foreign_key="resident.id")
    seats: int = 1
    status: str = Field(default=OPEN, max_length=10)
    expires_at: NaiveDatetime
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    answered_at: NaiveDatetime | None = None
