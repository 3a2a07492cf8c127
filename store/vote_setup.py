"""Setting up a vote: checking what an organizer gave, reading typed times, storing the vote."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from store.models import Course, Venue
from store.models.votes import DAILY, LABEL_LIMIT, LIVE, RESULTS, RULES, TITLE_LIMIT, Vote, VoteOption

MIN_OPTIONS = 2
MAX_OPTIONS = 30


class VoteInvalid(ValueError):
    """A vote that breaks the rules; problems are (text key, values) pairs."""

    def __init__(self, problems: list[tuple[str, dict]]):
        super().__init__(", ".join(code for code, _ in problems))
        self.problems = problems


_TIME = re.compile(
    r"^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[T ]?\s*"
    r"(\d{1,2})\s*(?:[:：点时]\s*(\d{1,2})?\s*分?)?$")
NOW_WORDS = ("现在", "马上", "立即", "now")


def parse_local_time(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A local time typed as "2026-12-01 08:00", "12-01 8:00", "12月1日8点" or "现在", as naive UTC.

    Without a year the date is taken in the coming twelve months."""
    text = (text or "").strip()
    if text.lower() in NOW_WORDS:
        return now
    match = _TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute = match.groups()
    local_now = now.replace(tzinfo=timezone.utc).astimezone(tz)
    try:
        when = datetime(int(year or local_now.year), int(month), int(day), int(hour), int(minute or 0),
                        tzinfo=tz)
        if year is None and when < local_now - timedelta(days=1):
            when = when.replace(year=when.year + 1)
    except ValueError:
        return None
    return when.astimezone(timezone.utc).replace(tzinfo=None)


def from_local(when: datetime, tz: ZoneInfo) -> datetime:
    """A naive local time (as TOML gives it) as naive UTC."""
    return when.replace(tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


def check_vote(title: str, labels: list[str], opens_at: datetime | None, closes_at: datetime | None,
               rule: str, results: str, now: datetime) -> list[tuple[str, dict]]:
    """Every rule a new vote breaks, as (text key, values); empty when it is fine."""
    problems: list[tuple[str, dict]] = []
    if not title.strip():
        problems.append(("vote_bad_title_empty", {}))
    elif len(title.strip()) > TITLE_LIMIT:
        problems.append(("vote_bad_title_long", {"limit": TITLE_LIMIT}))
    problems.extend(check_options(labels))
    problems.extend(check_times(opens_at, closes_at, now))
    if rule not in RULES:
        problems.append(("vote_bad_rule", {}))
    if results not in RESULTS:
        problems.append(("vote_bad_results", {}))
    return problems


def check_times(opens_at: datetime | None, closes_at: datetime | None,
                now: datetime) -> list[tuple[str, dict]]:
    """Problems of a vote's times: missing, closing before opening, or closing in the past."""
    if opens_at is None or closes_at is None:
        return [("vote_bad_time", {})]
    if closes_at <= opens_at:
        return [("vote_bad_order", {})]
    if closes_at <= now:
        return [("vote_bad_past", {})]
    return []


def check_options(labels: list[str]) -> list[tuple[str, dict]]:
    """Problems of an option list: too few, too many, blank, too long or repeated."""
    problems: list[tuple[str, dict]] = []
    if len(labels) < MIN_OPTIONS:
        problems.append(("vote_bad_few", {"min": MIN_OPTIONS}))
    if len(labels) > MAX_OPTIONS:
        problems.append(("vote_bad_many", {"max": MAX_OPTIONS}))
    if any(not label.strip() for label in labels):
        problems.append(("vote_bad_blank", {}))
    for label in labels:
        if len(label) > LABEL_LIMIT:
            problems.append(("vote_bad_long", {"label": label[:LABEL_LIMIT] + "…", "limit": LABEL_LIMIT}))
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            problems.append(("vote_bad_dup", {"label": label}))
        seen.add(label)
    return problems


def option_from_line(session: Session, line: str) -> tuple[str, str]:
    """(label, ref) from "标签 | 编号", a bare course or venue code, or a plain label."""
    line = line.strip()
    for bar in ("|", "｜"):
        if bar in line:
            label, _, ref = line.partition(bar)
            return label.strip(), ref.strip()[:40]
    course = session.exec(select(Course).where(Course.code == line)).first()
    if course is not None:
        return course.title[:LABEL_LIMIT], course.code
    venue = session.exec(select(Venue).where(Venue.code == line)).first()
    if venue is not None:
        return venue.name[:LABEL_LIMIT], venue.code
    return line, ""


def create_vote(session: Session, *, title: str, options: list[tuple[str, str]], opens_at: datetime,
                closes_at: datetime, rule: str = DAILY, results: str = LIVE, created_by: str = "",
                owner_id: int | None = None, now: datetime) -> Vote:
    """Store a vote and its options; raises VoteInvalid listing every problem."""
    problems = check_vote(title, [label for label, _ in options], opens_at, closes_at, rule, results, now)
    if problems:
        raise VoteInvalid(problems)
    vote = Vote(title=title.strip(), opens_at=opens_at, closes_at=closes_at, rule=rule, results=results,
                created_by=created_by[:100], owner_id=owner_id, created_at=now)
    session.add(vote)
    session.flush()
    for position, (label, ref) in enumerate(options, 1):
        session.add(VoteOption(vote_id=vote.id, label=label, ref=ref, position=position))
    session.flush()
    return vote
