"""Prize draws: only voters win, nobody twice, and the recorded seed gives the same winners again."""
from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from store.draws import DrawError, candidates_digest, check_draw, pick_winners, recorded_draws, run_draw
from store.models import AuditEntry, Ballot, Resident, VoteOption
from store.vote_setup import create_vote
from tests.conftest import START

TZ = ZoneInfo("Asia/Shanghai")
CLOSES = START + timedelta(days=3)
AFTER = CLOSES + timedelta(minutes=1)


@pytest.fixture
def voted(db):
    """A daily vote over three days: 12 voters (several voting every day) and 5 residents who did not."""
    with db.session() as s:
        vote = create_vote(s, title="最美教学点", options=[("幸福社区文化家园", ""), ("和平街道文化站", "")],
                           opens_at=START, closes_at=CLOSES, now=START)
        options = s.exec(select(VoteOption).where(VoteOption.vote_id == vote.id)).all()
        people = []
        for n in range(17):
            person = Resident(display_name=f"居民{n}")
            s.add(person)
            s.flush()
            people.append(person.id)
        voter_ids, idle = people[:12], people[12:]
        for i, rid in enumerate(voter_ids):
            for day in range(1 + i % 3):  # one, two or three ballots
                when = START + timedelta(days=day, hours=1)
                s.add(Ballot(vote_id=vote.id, option_id=options[(i + day) % 2].id, resident_id=rid,
                             day=when.date().isoformat(), created_at=when))
        return db, vote.id, sorted(voter_ids), idle


def test_winners_are_distinct_voters_and_the_seed_repeats_them(voted):
    db, vote_id, voter_ids, idle = voted
    with db.session() as s:
        draw = run_draw(s, vote_id, 5, seed="2026-12-winter", now=AFTER, actor="cli")
    assert draw.candidates == voter_ids
    assert len(draw.winners) == 5 == len(set(draw.winners))
    assert set(draw.winners) <= set(voter_ids) and not set(draw.winners) & set(idle)
    # Independently: the same sorted list and seed through random.Random give the same winners.
    import random
    assert draw.winners == random.Random("2026-12-winter").sample(voter_ids, 5)
    with db.session() as s:
        check = check_draw(s, vote_id, 5, "2026-12-winter", AFTER + timedelta(days=30))
    assert (check.status, check.recorded_winners, check.candidates_changed) == ("match", draw.winners, False)


def test_the_audit_log_keeps_seed_candidates_and_winners(voted):
    db, vote_id, voter_ids, _ = voted
    with db.session() as s:
        draw = run_draw(s, vote_id, 3, now=AFTER, actor="telegram:7001")
    assert len(draw.seed) == 16  # generated, not guessable
    with db.session() as s:
        [entry] = s.exec(select(AuditEntry).where(AuditEntry.action == "vote.draw")).all()
        detail = json.loads(entry.detail)
        assert (entry.target, entry.actor) == (f"vote:{vote_id}", "telegram:7001")
        assert detail == {"seed": draw.seed, "winners": draw.winners, "candidates": 12,
                          "digest": candidates_digest(voter_ids), "count": 3}
        assert [d["seed"] for d in recorded_draws(s, vote_id)] == [draw.seed]
        assert check_draw(s, vote_id, 3, draw.seed, AFTER).status == "match"


def test_drawing_everyone_picks_each_voter_exactly_once(voted):
    db, vote_id, voter_ids, _ = voted
    with db.session() as s:
        draw = run_draw(s, vote_id, len(voter_ids), seed="all", now=AFTER)
    assert sorted(draw.winners) == voter_ids


def test_different_seeds_are_checked_as_different_draws(voted):
    db, vote_id, _, _ = voted
    with db.session() as s:
        run_draw(s, vote_id, 4, seed="one", now=AFTER)
        assert check_draw(s, vote_id, 4, "two", AFTER).status == "not_recorded"
        assert check_draw(s, vote_id, 4, "one", AFTER).status == "match"


def test_a_changed_candidate_list_is_reported(voted):
    db, vote_id, _, idle = voted
    with db.session() as s:
        draw = run_draw(s, vote_id, 4, seed="s1", now=AFTER)
        option = s.exec(select(VoteOption).where(VoteOption.vote_id == vote_id)).first()
        # A ballot slipped in behind the draw's back (say, restored from a backup).
        s.add(Ballot(vote_id=vote_id, option_id=option.id, resident_id=idle[0], day="x", created_at=AFTER))
    with db.session() as s:
        check = check_draw(s, vote_id, 4, "s1", AFTER)
    assert check.candidates_changed and check.recorded_winners == draw.winners


@pytest.mark.parametrize("count, seed, now, code", [
    (3, None, CLOSES - timedelta(minutes=1), "not_ended"),
    (0, None, AFTER, "bad_count"),
    (13, None, AFTER, "too_few"),
    (2, "有空格 的种子", AFTER, "bad_seed"),
])
def test_draws_that_cannot_be_made_change_nothing(voted, count, seed, now, code):
    db, vote_id, _, _ = voted
    with db.session() as s, pytest.raises(DrawError) as error:
        run_draw(s, vote_id, count, seed=seed, now=now)
    assert error.value.code == code
    with db.session() as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "vote.draw")).all() == []


def test_pick_winners_ignores_the_order_it_is_given():
    assert pick_winners([5, 3, 9, 1, 7], 2, "x") == pick_winners([1, 3, 5, 7, 9], 2, "x")
