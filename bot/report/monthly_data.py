"""What one month's workbook shows, gathered once and handed to every sheet."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.report import queries, services
from bot.report.months import Month
from bot.report.opening import VenueCheck
from bot.report.rollup import Rollup
from store.units import DEFAULT_LEVEL_NAMES

LEVEL_NAMES = DEFAULT_LEVEL_NAMES


@dataclass
class MonthlyData:
    """Everything the month's workbook shows."""

    month: Month
    now: datetime
    tz: ZoneInfo
    sessions: list[queries.HeldSession]
    signups: list[queries.SignupRow]
    by_course: list[queries.GradeRow]
    by_teacher: list[queries.GradeRow]
    orders: list[services.OrderRow]
    bookings: list[services.BookingRow]
    volunteers: list[services.VolunteerRow]
    checks: list[VenueCheck] = field(default_factory=list)
    units: Rollup | None = None
    scope: str = ""  # the unit whose subtree this is; "" for the whole district
    venue_units: dict[int, str] = field(default_factory=dict)
    level_names: tuple[str, ...] = LEVEL_NAMES

    @property
    def visits(self) -> int:
        """人次 of every class session held."""
        return sum(s.visits for s in self.sessions)
