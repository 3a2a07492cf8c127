"""Casting ballots (one per person per day, settled by the database), counting them, closing votes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, select

from store.insert_new import dialect_insert
from store.models.votes import DAILY, LIVE, Ballot, Vote, VoteOption

UPCOMING, OPEN, ENDED = "upcoming", "open", "ended"


@dataclass(frozen=True)
class BallotResult:
    """What a ballot did: status is recorded, already, not_open, closed, bad_option or not_found.

    label is the option the resident's ballot (new or earlier) went to; next_at (naive UTC) is when
    the next ballot is allowed, None when there is no next one."""

    status: str
    label: str = ""
    next_at: datetime | None = None


@dataclass(frozen=True)
class OptionCount:
    """One option with its ballots."""

    option: VoteOption
    count: int


def local_day(when: datetime, tz: ZoneInfo) -> str:
    """The local calendar date of a naive UTC time, as YYYY-MM-DD."""
    return when.replace(tzinfo=timezone.utc).astimezone(tz).date().isoformat()


def next_local_midnight(when: datetime, tz: ZoneInfo) -> datetime:
    """The next local 00:00 after a naive UTC time, as naive UTC."""
    local = when.replace(tzinfo=timezone.utc).astimezone(tz)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return midnight.astimezone(timezone.utc).replace(tzinfo=None)


def phase(vote: Vote, now: datetime) -> str:
    """upcoming, open or ended, by the vote's times."""
    if now < vote.opens_at:
        return UPCOMING
    return OPEN if now < vote.closes_at else ENDED


def results_visible(vote: Vote, now: datetime) -> bool:
    """True when residents may see the counts now."""
    return vote.results == LIVE or now >= vote.closes_at


def next_allowed(vote: Vote, now: datetime, tz: ZoneInfo) -> datetime | None:
    """When the resident may vote again after a ballot now; None when not in this vote."""
    if vote.rule != DAILY:
        return None
    nxt = next_local_midnight(now, tz)
    return nxt if nxt < vote.closes_at else None


def options_of(session: Session, vote_id: int) -> list[VoteOption]:
    """A vote's options in the order they were given."""
    return list(session.exec(select(VoteOption).where(VoteOption.vote_id == vote_id)
                             .order_by(VoteOption.position, VoteOption.id)))


def open_votes(session: Session, now: datetime) -> list[Vote]:
    """Votes running now, the one closing first on top."""
    return list(session.exec(select(Vote).where(Vote.opens_at <= now, Vote.closes_at > now)
                             .order_by(Vote.closes_at, Vote.id)))


def ended_votes(session: Session, now: datetime, since: datetime | None = None) -> list[Vote]:
    """Votes that have ended (since a time, when given), the latest first."""
    query = select(Vote).where(Vote.closes_at <= now)
    if since is not None:
        query = query.where(Vote.closes_at > since)
    return list(session.exec(query.order_by(Vote.closes_at.desc(), Vote.id.desc())))


def ballot_of(session: Session, vote: Vote, resident_id: int, now: datetime, tz: ZoneInfo) -> Ballot | None:
    """The resident's ballot that blocks another one now (today's, or the only one)."""
    day = local_day(now, tz) if vote.rule == DAILY else ""
    return session.exec(select(Ballot).where(Ballot.vote_id == vote.id, Ballot.resident_id == resident_id,
                                             Ballot.day == day)).first()


def _label(session: Session, option_id: int) -> str:
    option = session.get(VoteOption, option_id)
    return option.label if option else ""


def cast_ballot(session: Session, vote_id: int, option_id: int, resident_id: int, now: datetime,
                tz: ZoneInfo) -> BallotResult:
    """Record a ballot unless the resident already voted today (daily) or at all (once)."""
    vote = session.get(Vote, vote_id)
    if vote is None:
        return BallotResult("not_found")
    option = session.get(VoteOption, option_id)
    if option is None or option.vote_id != vote.id:
        return BallotResult("bad_option")
    if now < vote.opens_at:
        return BallotResult("not_open")
    if now >= vote.closes_at:
        return BallotResult("closed")
    day = local_day(now, tz) if vote.rule == DAILY else ""
    stmt = dialect_insert(session)(Ballot).values(
        vote_id=vote.id, option_id=option.id, resident_id=resident_id, day=day, created_at=now,
    ).on_conflict_do_nothing(index_elements=["vote_id", "resident_id", "day"]).returning(Ballot.id)
    nxt = next_allowed(vote, now, tz)
    if session.execute(stmt).first() is not None:
        return BallotResult("recorded", option.label, nxt)
    earlier = ballot_of(session, vote, resident_id, now, tz)
    return BallotResult("already", _label(session, earlier.option_id) if earlier else "", nxt)


def vote_counts(session: Session, vote_id: int) -> list[OptionCount]:
    """Every option with its ballots, most ballots first (ties in the given order)."""
    counts = dict(session.exec(select(Ballot.option_id, func.count()).where(Ballot.vote_id == vote_id)
                               .group_by(Ballot.option_id)).all())
    rows = [OptionCount(option, counts.get(option.id, 0)) for option in options_of(session, vote_id)]
    return sorted(rows, key=lambda row: (-row.count, row.option.position, row.option.id))


def voters(session: Session, vote_id: int) -> list[int]:
    """Residents who cast at least one ballot, sorted by id."""
    return list(session.exec(select(Ballot.resident_id).where(Ballot.vote_id == vote_id).distinct()
                             .order_by(Ballot.resident_id)))


def daily_counts(session: Session, vote_id: int, tz: ZoneInfo) -> dict[str, dict[int, int]]:
    """Ballots per local day and option: {"2026-12-01": {option_id: n}}."""
    out: dict[str, dict[int, int]] = {}
    for option_id, created_at in session.exec(select(Ballot.option_id, Ballot.created_at)
                                              .where(Ballot.vote_id == vote_id)):
        day = out.setdefault(local_day(created_at, tz), {})
        day[option_id] = day.get(option_id, 0) + 1
    return dict(sorted(out.items()))


def due_for_closing(session: Session, now: datetime) -> list[int]:
    """Ids of votes past their closing time whose results have not gone out."""
    return list(session.exec(select(Vote.id).where(Vote.closes_at <= now, Vote.closed_at.is_(None))
                             .order_by(Vote.closes_at, Vote.id)))


def claim_closing(session: Session, vote_id: int, now: datetime) -> bool:
    """Mark a vote closed; True for the one caller that did it (several workers may try)."""
    result = session.execute(update(Vote).where(Vote.id == vote_id, Vote.closed_at.is_(None),
                                                Vote.closes_at <= now).values(closed_at=now))
    return result.rowcount == 1

