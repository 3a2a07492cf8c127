"""Ballots: one per person per local day (or once), settled by the database, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from store.linking import merge_residents
from store.models import Ballot, Vote, VoteOption
from store.people import get_or_create_account
from store.vote_setup import VoteInvalid, create_vote, parse_local_time
from store.votes import cast_ballot, next_local_midnight, vote_counts, voters
from tests.conftest import START

TZ = ZoneInfo("Asia/Shanghai")
CLOSES = START + timedelta(days=3, hours=12)  # 12月4日 20:00 in Shanghai


def make_vote(db, rule: str = "daily", labels=("零基础毛笔书法", "杨式太极拳", "智能手机课")) -> tuple[int, list[int]]:
    with db.session() as s:
        vote = create_vote(s, title="最受欢迎课程", options=[(label, "") for label in labels], opens_at=START,
                           closes_at=CLOSES, rule=rule, results="live", created_by="test", now=START)
        return vote.id, [o.id for o in s.exec(select(VoteOption).where(VoteOption.vote_id == vote.id)
                                                .order_by(VoteOption.position))]


def resident(db, user: str, channel: str = "telegram") -> int:
    with db.session() as s:
        account, _ = get_or_create_account(s, channel, user)
        return account.resident_id


def cast(db, vote_id: int, option_id: int, resident_id: int, when):
    with db.session() as s:
        return cast_ballot(s, vote_id, option_id, resident_id, when, TZ)


def ballots(db, vote_id: int) -> list[tuple[int, str]]:
    with db.session() as s:
        return sorted((b.resident_id, b.day) for b in s.exec(select(Ballot).where(Ballot.vote_id == vote_id)))


def test_daily_rule_over_three_days_with_repeated_ballots(db):
    vote_id, (calligraphy, taiji, phone) = make_vote(db)
    wang, li = resident(db, "wang"), resident(db, "li")
    # Day 1 (12月1日): 08:00 local. Wang votes, then tries again twice.
    first = cast(db, vote_id, calligraphy, wang, START)
    assert (first.status, first.label) == ("recorded", "零基础毛笔书法")
    assert first.next_at == START + timedelta(hours=16)  # 12月2日 00:00 in Shanghai
    again = cast(db, vote_id, taiji, wang, START + timedelta(hours=3))
    assert (again.status, again.label, again.next_at) == ("already", "零基础毛笔书法", first.next_at)
    last_minute = START + timedelta(hours=15, minutes=59)  # 23:59 local, still day 1
    assert cast(db, vote_id, taiji, wang, last_minute).status == "already"
    assert cast(db, vote_id, taiji, li, last_minute).status == "recorded"
    # Day 2 starts at 00:00 local = 16:00 UTC.
    midnight = START + timedelta(hours=16)
    assert cast(db, vote_id, taiji, wang, midnight).status == "recorded"
    assert cast(db, vote_id, phone, wang, midnight + timedelta(hours=10)).status == "already"
    # Day 3: both vote, Li twice.
    day3 = START + timedelta(days=2, hours=2)
    assert cast(db, vote_id, taiji, wang, day3).status == "recorded"
    assert cast(db, vote_id, calligraphy, li, day3).status == "recorded"
    assert cast(db, vote_id, phone, li, day3 + timedelta(minutes=1)).status == "already"
    assert ballots(db, vote_id) == [(wang, "2026-12-01"), (wang, "2026-12-02"), (wang, "2026-12-03"),
                                    (li, "2026-12-01"), (li, "2026-12-03")]
    with db.session() as s:
        counts = {c.option.label: c.count for c in vote_counts(s, vote_id)}
        assert counts == {"杨式太极拳": 3, "零基础毛笔书法": 2, "智能手机课": 0}
        assert voters(s, vote_id) == sorted([wang, li])


def test_last_day_has_no_next_ballot_and_closing_time_is_final(db):
    vote_id, (calligraphy, *_) = make_vote(db)
    wang = resident(db, "wang")
    last_day = START + timedelta(days=3, hours=2)  # 12月4日 10:00, the vote closes 20:00
    result = cast(db, vote_id, calligraphy, wang, last_day)
    assert result.status == "recorded" and result.next_at is None
    assert cast(db, vote_id, calligraphy, resident(db, "li"), CLOSES).status == "closed"
    assert cast(db, vote_id, calligraphy, wang, START - timedelta(minutes=1)).status == "not_open"


def test_once_rule_refuses_a_second_ballot_on_another_day(db):
    vote_id, (calligraphy, taiji, _) = make_vote(db, rule="once")
    wang = resident(db, "wang")
    assert cast(db, vote_id, calligraphy, wang, START).next_at is None
    later = cast(db, vote_id, taiji, wang, START + timedelta(days=1))
    assert (later.status, later.label, later.next_at) == ("already", "零基础毛笔书法", None)
    assert ballots(db, vote_id) == [(wang, "")]


def test_an_option_of_another_vote_is_refused(db):
    vote_id, _ = make_vote(db)
    _, (other_option, *_) = make_vote(db, labels=("甲", "乙"))
    assert cast(db, vote_id, other_option, resident(db, "wang"), START).status == "bad_option"
    assert cast(db, 9999, other_option, resident(db, "wang"), START).status == "not_found"
    assert ballots(db, vote_id) == []


def test_two_ballots_at_the_same_moment_make_one(db):
    vote_id, (calligraphy, taiji, _) = make_vote(db)
    wang = resident(db, "wang")
    barrier = threading.Barrier(2)
    results = []

    def tap(option_id: int) -> None:
        barrier.wait()
        results.append(cast(db, vote_id, option_id, wang, START).status)

    threads = [threading.Thread(target=tap, args=(o,)) for o in (calligraphy, taiji)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["already", "recorded"]
    assert ballots(db, vote_id) == [(wang, "2026-12-01")]


def test_the_database_itself_refuses_a_second_ballot_the_same_day(db):
    vote_id, (calligraphy, taiji, _) = make_vote(db)
    wang = resident(db, "wang")
    assert cast(db, vote_id, calligraphy, wang, START).status == "recorded"
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Ballot(vote_id=vote_id, option_id=taiji, resident_id=wang, day="2026-12-01", created_at=START))
        s.flush()


def test_linked_accounts_are_one_person_with_one_ballot(db):
    vote_id, (calligraphy, taiji, _) = make_vote(db)
    on_telegram, on_wecom = resident(db, "7001", "telegram"), resident(db, "wang.ayi", "wecom")
    # Before linking they look like two people, and each voted today.
    assert cast(db, vote_id, calligraphy, on_telegram, START).status == "recorded"
    assert cast(db, vote_id, taiji, on_wecom, START + timedelta(minutes=5)).status == "recorded"
    assert cast(db, vote_id, taiji, on_wecom, START + timedelta(hours=16)).status == "recorded"
    with db.session() as s:
        merge_residents(s, keep_id=on_telegram, drop_id=on_wecom)
    # One ballot for the day remains; the next day's ballot moved over.
    assert ballots(db, vote_id) == [(on_telegram, "2026-12-01"), (on_telegram, "2026-12-02")]
    with db.session() as s:
        wecom, _ = get_or_create_account(s, "wecom", "wang.ayi")
        assert wecom.resident_id == on_telegram
    again = cast(db, vote_id, taiji, on_telegram, START + timedelta(hours=1))
    assert (again.status, again.label) == ("already", "零基础毛笔书法")


def test_bad_votes_are_refused_with_every_problem(db):
    with db.session() as s, pytest.raises(VoteInvalid) as bad:
        create_vote(s, title="", options=[("书法", ""), ("书法", "")], opens_at=START,
                    closes_at=START - timedelta(hours=1), rule="weekly", results="never", now=START)
    codes = [code for code, _ in bad.value.problems]
    assert codes == ["vote_bad_title_empty", "vote_bad_dup", "vote_bad_order", "vote_bad_rule",
                     "vote_bad_results"]
    with db.session() as s:
        assert s.exec(select(Vote)).all() == []


@pytest.mark.parametrize("typed, local", [
    ("2026-12-08 20:00", "2026-12-08 20:00"), ("12-08 20:00", "2026-12-08 20:00"),
    ("12月8日8点", "2026-12-08 08:00"), ("2026年12月8日 20:30", "2026-12-08 20:30"),
    ("1-5 9:00", "2027-01-05 09:00"), ("现在", "2026-12-01 08:00"),
])
def test_local_times_typed_by_organizers(typed, local):
    when = parse_local_time(typed, START, TZ)
    assert when is not None
    shown = when.replace(tzinfo=ZoneInfo("UTC")).astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    assert shown == local


@pytest.mark.parametrize("typed", ["明天", "12-40 08:00", "2026-02-30 08:00", "abc", ""])
def test_times_that_mean_nothing_are_refused(typed):
    assert parse_local_time(typed, START, TZ) is None


def test_next_midnight_is_local():
    assert next_local_midnight(START, TZ) == START + timedelta(hours=16)
