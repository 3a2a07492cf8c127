"""Residents' demand feedback (需求反馈): wishes, complaints and the answers they got."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from store.clock import utcnow

COURSE = "course"
VENUE = "venue"
SERVICE = "service"
COMPLAINT = "complaint"
OTHER = "other"
FEEDBACK_CATEGORIES = (COURSE, VENUE, SERVICE, COMPLAINT, OTHER)

NEW = "new"
HANDLED = "handled"

TEXT_LIMIT = 300
REPLY_LIMIT = 300


class Feedback(SQLModel, table=True):
    """One message from a resident and, once handled, the reply they were sent."""

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    category: str = Field(max_length=12, index=True)
    text: str = Field(max_length=TEXT_LIMIT)
    status: str = Field(default=NEW, max_length=10, index=True)
    reply: str = Field(default="", max_length=REPLY_LIMIT)
    handled_by: str = Field(default="", max_length=100)
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    handled_at: NaiveDatetime | None = None
