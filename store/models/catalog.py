"""The service menu: sections, categories, courses, their sessions and venues."""
from __future__ import annotations

from pydantic import NaiveDatetime

from sqlmodel import Field, SQLModel

from store.clock import utcnow

SECTIONS = ("文化", "体育", "艺术")


class Category(SQLModel, table=True):
    """A category of the service menu (舞蹈, 书法 …) inside one section."""

    id: int | None = Field(default=None, primary_key=True)
    section: str = Field(index=True, max_length=20)
    name: str = Field(unique=True, max_length=40)
    sort_order: int = 0


class Venue(SQLModel, table=True):
    """A teaching point or venue with its address and weekly opening hours."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=100)
    address: str = Field(default="", max_length=200)
    community: str = Field(default="", max_length=60)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # the unit running it
    kind: str = Field(default="teaching_point", max_length=30)
    opening_hours: str = Field(default="{}")  # JSON: {"mon": "08:30-21:00", ...}
    phone: str = Field(default="", max_length=30)


class Course(SQLModel, table=True):
    """A course residents sign up for; signing up enrols them in all its sessions."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    title: str = Field(max_length=100)
    section: str = Field(index=True, max_length=20)
    category_id: int = Field(foreign_key="category.id", index=True)
    teacher: str = Field(default="", max_length=60)
    # The teacher's own account, when they volunteer: each session held credits them points.
    teacher_resident_id: int | None = Field(default=None, foreign_key="resident.id")
    venue_id: int | None = Field(default=None, foreign_key="venue.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # the unit running it
    capacity: int = Field(default=20, ge=0)
    description: str = Field(default="", max_length=1000)
    tags: str = Field(default="", max_length=200)
    reminders_on: bool = True  # the organizer's switch for everyone in the course
    # How many companions one resident may bring; each person takes a seat.
    companions_max: int = Field(default=0, ge=0)
    # "auto": a freed seat goes to the first waiting; "offer": they are asked, with a deadline.
    seat_offer: str = Field(default="auto", max_length=8)
    # "first_come", or "lottery": applications until apply_until (UTC), then a seeded draw.
    signup_mode: str = Field(default="first_come", max_length=10)
    apply_until: NaiveDatetime | None = None
    active: bool = True
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class ClassSession(SQLModel, table=True):
    """One meeting of a course, stored in naive UTC."""

    __tablename__ = "class_session"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    starts_at: NaiveDatetime = Field(index=True)
    ends_at: NaiveDatetime = Field(index=True)  # the polls falling due are found by it
