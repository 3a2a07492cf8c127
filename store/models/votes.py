"""Popularity votes (最受欢迎课程/讲师, 最美教学点), their options and the residents' ballots."""
from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow

DAILY = "daily"  # one ballot per resident per local calendar day
ONCE = "once"    # one ballot per resident for the whole vote
RULES = (DAILY, ONCE)

LIVE = "live"                # results visible while the vote runs
AFTER_CLOSE = "after_close"  # results visible once it has closed
RESULTS = (LIVE, AFTER_CLOSE)

TITLE_LIMIT = 40
LABEL_LIMIT = 30


class Vote(SQLModel, table=True):
    """A vote open from opens_at until closes_at (naive UTC); closed_at is set when results went out."""

    __table_args__ = (
        CheckConstraint("rule in ('daily', 'once')", name="ck_vote_rule"),
        CheckConstraint("results in ('live', 'after_close')", name="ck_vote_results"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=TITLE_LIMIT)
    opens_at: NaiveDatetime = Field(index=True)
    closes_at: NaiveDatetime = Field(index=True)
    rule: str = Field(default=DAILY, max_length=12)
    results: str = Field(default=LIVE, max_length=12)
    created_by: str = Field(default="", max_length=100)  # "telegram:123", "cli" …
    # Who receives the chart and the workbook at closing; None means every district organizer.
    owner_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    closed_at: NaiveDatetime | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class VoteOption(SQLModel, table=True):
    """One choice of a vote; ref names what it stands for (course code, teacher, venue code)."""

    __tablename__ = "vote_option"
    __table_args__ = (UniqueConstraint("vote_id", "label", name="uq_vote_option_label"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    label: str = Field(max_length=LABEL_LIMIT)
    ref: str = Field(default="", max_length=40)
    position: int = 0


class Ballot(SQLModel, table=True):
    """One resident's ballot; day is the local date for daily votes and '' for once-only votes."""

    __table_args__ = (
        # The database, not the code path, keeps it to one ballot per person per day.
        UniqueConstraint("vote_id", "resident_id", "day", name="uq_ballot_vote_resident_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    option_id: int = Field(foreign_key="vote_option.id", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    day: str = Field(default="", max_length=10)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
