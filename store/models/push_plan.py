"""How far the course pushes (reminders before sessions, polls after them) are planned."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

PLAN_ROW = 1  # the table holds this one row


class PushPlan(SQLModel, table=True):
    """Every reminder and poll falling due by planned_until is an outbox row for everyone it was
    owed to then; a place taken later writes its own."""

    __tablename__ = "push_plan"

    id: int = Field(default=PLAN_ROW, primary_key=True)
    planned_until: NaiveDatetime
