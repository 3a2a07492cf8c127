"""Delivered services (送戏、送电影 …), the orders residents place for them, and who serves them."""
from __future__ import annotations

import datetime as dt

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow

# Order statuses: 已点单 → 已派单 → 已接单 → 已完成 → 已评价, or 已婉拒 by the organizer, or 已撤回.
ORDERED = "ordered"
DISPATCHED = "dispatched"
DECLINED = "declined"
ACCEPTED = "accepted"
DONE = "done"
RATED = "rated"
WITHDRAWN = "withdrawn"  # the resident deleted their account before it was done
STATUSES = (ORDERED, DISPATCHED, DECLINED, ACCEPTED, DONE, RATED, WITHDRAWN)
OPEN_STATUSES = (ORDERED, DISPATCHED, ACCEPTED)

TEAM_VOLUNTEER = "volunteer"
TEAM_TEACHER = "teacher"
TEAM_KINDS = (TEAM_VOLUNTEER, TEAM_TEACHER)

ORDER_GRADES = ("优", "良", "中", "差")
COMMENT_LIMIT = 500


class ServiceItem(SQLModel, table=True):
    """A service the district delivers on request: an opera show, a film, a lecture …"""

    __tablename__ = "service_item"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=60)
    kind: str = Field(default="", max_length=20)  # 戏曲, 电影, 讲座, 展览 …
    description: str = Field(default="", max_length=1000)
    min_audience: int | None = Field(default=None, ge=0)
    lead_days: int = Field(default=7, ge=0)  # order at least this many days ahead
    active: bool = True
    sort_order: int = 0


class ServiceTeam(SQLModel, table=True):
    """A volunteer team or a teacher that accepts dispatched orders."""

    __tablename__ = "service_team"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=60)
    kind: str = Field(default=TEAM_VOLUNTEER, max_length=20)
    leader_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    community: str = Field(default="", max_length=60)  # "" = serves everywhere
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # None = serves everywhere
    active: bool = True


class TeamMember(SQLModel, table=True):
    """A resident who serves in a team besides its leader."""

    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("team_id", "resident_id", name="uq_team_member"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="service_team.id", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)


class ServiceOrder(SQLModel, table=True):
    """One 点单: what, where, for how many, who to call, and where it stands."""

    __tablename__ = "service_order"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=20)  # D20261201-0007
    service_id: int = Field(foreign_key="service_item.id", index=True)
    community: str = Field(max_length=60, index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # whose staff it is waiting for
    escalated_at: NaiveDatetime | None = None  # passed up to the 分馆 when nobody took it
    place: str = Field(max_length=100)
    preferred_dates: str = Field(default="", max_length=100)
    audience: int = Field(ge=0)
    contact_name: str = Field(max_length=40)
    # Sealed (store/phones.py): never stored in clear, shown masked but to the staff who call.
    contact_phone: str = Field(default="", max_length=120)
    status: str = Field(default=ORDERED, max_length=20, index=True)
    ordered_by: int = Field(foreign_key="resident.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="service_team.id", index=True)
    scheduled_date: dt.date | None = None
    headcount: int | None = None
    decline_reason: str = Field(default="", max_length=200)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class OrderEvent(SQLModel, table=True):
    """One step of an order's history."""

    __tablename__ = "order_event"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_order.id", index=True)
    actor_resident_id: int | None = Field(default=None, foreign_key="resident.id")
    from_status: str = Field(default="", max_length=20)
    to_status: str = Field(max_length=20)
    note: str = Field(default="", max_length=200)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class OrderRating(SQLModel, table=True):
    """A resident's 优/良/中/差 for a delivered order; one per person."""

    __tablename__ = "order_rating"
    __table_args__ = (
        UniqueConstraint("order_id", "resident_id", name="uq_order_rating"),
        CheckConstraint("grade in ('优', '良', '中', '差')", name="ck_order_rating_grade"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="service_order.id", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    grade: str = Field(max_length=2)
    comment: str = Field(default="", max_length=COMMENT_LIMIT)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
