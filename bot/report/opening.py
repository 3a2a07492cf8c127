"""Opening-hours compliance as the 示范区 standard measures it: each venue's published weekly hours
against the minimum for its kind, open on both weekend days, and open on the public holidays of
the period (its weekly hours on that weekday, and no whole-venue closure that day)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from bot.report.holidays import Holiday, holidays_between
from bot.settings import Settings
from store.models import RoomClosure, Venue
from store.opening_hours import day_span, load_hours, weekly_hours
from store.venue_import import KINDS

PASS, FAIL, NOT_ASSESSED = "达标", "不达标", "不考核"
SATURDAY, SUNDAY = 5, 6
LISTED_DAYS = 3  # closed holidays named in a reason before "等"


@dataclass(frozen=True)
class Rules:
    """What a venue must meet: minimum weekly hours by kind (kinds not listed are not assessed)."""

    minimums: Mapping[str, float]
    weekends: bool = True
    holidays: bool = True


@dataclass
class VenueCheck:
    """One venue measured against the standard."""

    venue_id: int
    code: str
    name: str
    kind: str
    community: str
    hours: float
    minimum: float | None
    saturday: bool
    sunday: bool
    holidays: list[Holiday] | None  # the period's holiday days; None when the calendar lacks the year
    closed_on: list[Holiday] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def assessed(self) -> bool:
        """Whether the standard sets a minimum for this kind of venue."""
        return self.minimum is not None

    @property
    def compliant(self) -> bool:
        """Assessed and nothing short."""
        return self.assessed and not self.reasons

    @property
    def result(self) -> str:
        """达标, 不达标 or 不考核."""
        return PASS if self.compliant else FAIL if self.assessed else NOT_ASSESSED

    @property
    def kind_label(self) -> str:
        """图书馆, 文化站 … for the kind."""
        return KINDS.get(self.kind, (self.kind,))[0]

    @property
    def weekend_text(self) -> str:
        """开放, 仅周六, 仅周日 or 不开放."""
        if self.saturday and self.sunday:
            return "开放"
        return "仅周六" if self.saturday else "仅周日" if self.sunday else "不开放"

    @property
    def holiday_text(self) -> str:
        """How the venue fares on the period's holidays."""
        if self.holidays is None:
            return "无节假日数据"
        if not self.holidays:
            return "期间无节假日"
        if not self.closed_on:
            return f"开放（{len(self.holidays)} 天）"
        return f"闭馆 {len(self.closed_on)}/{len(self.holidays)} 天"


def rules_of(settings: Settings) -> Rules:
    """The standard as the settings set it ([venues])."""
    venues = settings.venues
    return Rules(dict(venues.min_weekly_hours), venues.weekends, venues.holidays)


def level_names_of(settings: Settings) -> tuple[str, ...]:
    """The names of the unit levels, top first ([units] level_names)."""
    return tuple(settings.units.level_names)


def _day(holiday: Holiday) -> str:
    return f"{holiday.day.month}月{holiday.day.day}日（{holiday.name}）"


def _reasons(check: VenueCheck, rules: Rules) -> list[str]:
    out = []
    if check.minimum is not None and check.hours < check.minimum:
        out.append(f"每周开放 {check.hours:g} 小时，少于 {check.minimum:g} 小时")
    if rules.weekends:
        out += [f"{name}不开放" for name, open_ in (("周六", check.saturday), ("周日", check.sunday)) if not open_]
    if rules.holidays and check.closed_on:
        named = "、".join(_day(h) for h in check.closed_on[:LISTED_DAYS])
        more = "等" if len(check.closed_on) > LISTED_DAYS else ""
        out.append(f"节假日闭馆 {len(check.closed_on)} 天：{named}{more}")
    return out


def check_venues(session: Session, rules: Rules, first: date, last: date,
                 venue_ids: Iterable[int] | None = None) -> list[VenueCheck]:
    """Every venue (or those given) measured for the period first–last, by code."""
    query = select(Venue).order_by(Venue.code)
    if venue_ids is not None:
        query = query.where(Venue.id.in_(list(venue_ids)))
    venues = session.exec(query).all()
    holidays = holidays_between(first, last)
    closed: dict[int, set[date]] = {}
    if venues:
        for venue_id, day in session.exec(select(RoomClosure.venue_id, RoomClosure.date).where(
                RoomClosure.venue_id.in_([v.id for v in venues]), RoomClosure.date >= first,
                RoomClosure.date <= last)):
            closed.setdefault(venue_id, set()).add(day)
    out = []
    for venue in venues:
        hours = load_hours(venue.opening_hours)
        minimum = rules.minimums.get(venue.kind)
        check = VenueCheck(venue.id, venue.code, venue.name, venue.kind, venue.community,
                           round(weekly_hours(hours), 2), float(minimum) if minimum is not None else None,
                           day_span(hours, SATURDAY) is not None, day_span(hours, SUNDAY) is not None,
                           holidays)
        check.closed_on = [h for h in holidays or ()
                           if day_span(hours, h.day.weekday()) is None or h.day in closed.get(venue.id, ())]
        check.reasons = _reasons(check, rules) if check.assessed else []
        out.append(check)
    return out


def compliant_share(checks: Iterable[VenueCheck]) -> tuple[int, int, float | None]:
    """(venues assessed, compliant, share) — share None when none is assessed."""
    assessed = [c for c in checks if c.assessed]
    passed = sum(1 for c in assessed if c.compliant)
    return len(assessed), passed, (passed / len(assessed) if assessed else None)
