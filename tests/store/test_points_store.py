"""The points ledger: balances are sums, automatic credits count once, redemptions never overdraw."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

from sqlmodel import select

from bot.settings import Points
from store.catalog import sessions_of
from store.models import Course, PointEntry, Redemption, Resident, Reward
from store.points import (balance, credit_by_hand, credit_for_order, credit_for_session,
                          hours_to_minutes, service_minutes, uncredited_taught_sessions)
from store.rewards import hand_out, load_demo_rewards, redeem
from tests.conftest import START
from tests.support.catalog import add_course


def make_residents(db, n: int) -> list[int]:
    with db.session() as s:
        people = [Resident(display_name=f"志愿者{i}") for i in range(n)]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def add_reward(db, points: int, stock: int, name: str = "文化馆水杯") -> int:
    with db.session() as s:
        reward = Reward(name=name, points=points, stock=stock)
        s.add(reward)
        s.flush()
        return reward.id


def give(db, resident_id: int, points: int) -> None:
    with db.session() as s:
        assert credit_by_hand(s, resident_id, points, "测试", "cli", START).status == "done"


def points_of(db, resident_id: int) -> int:
    with db.session() as s:
        return balance(s, resident_id)


def entries_of(db, resident_id: int) -> list[PointEntry]:
    with db.session() as s:
        return list(s.exec(select(PointEntry).where(PointEntry.resident_id == resident_id)))


def test_balance_is_the_sum_of_the_ledger(db, settings):
    (a,) = make_residents(db, 1)
    reward = add_reward(db, points=4, stock=5)
    with db.session() as s:
        credit_for_order(s, 7, [a], 2, now=START, rules=settings.points)
        credit_by_hand(s, a, 5, "协助重阳节活动", "telegram:1", START)
        credit_by_hand(s, a, -1, "更正", "telegram:1", START)
    with db.session() as s:
        assert redeem(s, a, reward, START).balance == 2
    entries = entries_of(db, a)
    assert len(entries) == 4 and sum(e.points for e in entries) == 2 == points_of(db, a)
    with db.session() as s:
        assert service_minutes(s, a) == 120


def test_an_order_credits_each_volunteer_once(db):
    a, b = make_residents(db, 2)
    rules = Points(points_per_hour=2)
    with db.session() as s:
        first = credit_for_order(s, 7, [a, b, a], Decimal("1.5"), rules=rules)
    assert [(e.resident_id, e.points, e.minutes, e.source) for e in first] == [
        (a, 3, 90, "order:7"), (b, 3, 90, "order:7")]
    with db.session() as s:
        assert credit_for_order(s, 7, [a, b], 1.5, rules=rules) == []
        assert len(credit_for_order(s, 8, [a], 0.5, rules=rules)) == 1
    assert points_of(db, a) == 4 and points_of(db, b) == 3


def test_the_same_order_reported_from_many_workers_credits_once(db, settings):
    (a,) = make_residents(db, 1)

    def report(_):
        with db.session() as s:
            return len(credit_for_order(s, 42, [a], 3, rules=settings.points))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sum(pool.map(report, range(8))) == 1
    assert points_of(db, a) == 3


def test_a_taught_session_credits_the_teacher_once(db, settings):
    (teacher,) = make_residents(db, 1)
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=START, sessions=2, minutes=90)
    with db.session() as s:
        first, second = sessions_of(s, course.id)
        entry = credit_for_session(s, first.id, teacher, rules=settings.points)
        assert (entry.points, entry.minutes, entry.reason) == (2, 90, "零基础毛笔书法")
        assert credit_for_session(s, first.id, teacher, rules=settings.points) is None
        assert credit_for_session(s, second.id, teacher, rules=settings.points) is not None
    assert points_of(db, teacher) == 4


def test_sessions_owed_credit_are_those_ended_with_a_teacher_and_not_yet_credited(db, settings):
    teacher, other = make_residents(db, 2)
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=START, sessions=3, minutes=90)
    add_course(db, "TY-TJ-01", "太极", first_start=START, sessions=1)            # no teacher account
    with db.session() as s:
        row = s.get(Course, course.id)
        row.teacher_resident_id = teacher
        s.add(row)
        first, second, third = sessions_of(s, course.id)
        credit_for_session(s, first.id, other, rules=settings.points)  # someone else: not the teacher
    week = timedelta(weeks=1)
    with db.session() as s:
        owed = uncredited_taught_sessions(s, START + week + timedelta(hours=2), START - week)
        assert [cls.id for cls, _ in owed] == [first.id, second.id]
        credit_for_session(s, first.id, teacher, rules=settings.points)
        owed = uncredited_taught_sessions(s, START + week + timedelta(hours=2), START - week)
        assert [cls.id for cls, _ in owed] == [second.id]
        assert uncredited_taught_sessions(s, START + week + timedelta(hours=2), second.ends_at) == []


def test_manual_entries_repeat_but_never_go_below_zero(db):
    (a,) = make_residents(db, 1)
    give(db, a, 3)
    give(db, a, 3)
    with db.session() as s:
        refused = credit_by_hand(s, a, -7, "扣分", "cli", START)
    assert (refused.status, refused.balance) == ("not_enough", 6)
    assert points_of(db, a) == 6


def test_hours_round_to_minutes_and_never_negative():
    assert hours_to_minutes("0.75") == 45 and hours_to_minutes(2) == 120
    try:
        hours_to_minutes(-1)
    except ValueError:
        pass
    else:
        raise AssertionError("negative hours accepted")


def test_ten_volunteers_race_for_the_last_reward_one_wins(db):
    residents = make_residents(db, 10)
    for r in residents:
        give(db, r, 20)
    reward = add_reward(db, points=10, stock=1)

    def attempt(resident_id):
        with db.session() as s:
            return redeem(s, resident_id, reward).status

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(attempt, residents))
    assert results.count("requested") == 1 and results.count("no_stock") == 9
    with db.session() as s:
        assert s.get(Reward, reward).stock == 0
        assert len(s.exec(select(Redemption)).all()) == 1
    assert sorted(points_of(db, r) for r in residents) == [10] + [20] * 9


def test_concurrent_redemptions_never_overdraw_one_balance(db):
    (a,) = make_residents(db, 1)
    give(db, a, 10)
    cheap = add_reward(db, points=3, stock=100, name="购物袋")
    dear = add_reward(db, points=4, stock=100, name="毛巾")

    def attempt(i):
        with db.session() as s:
            return redeem(s, a, cheap if i % 2 else dear).status

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(attempt, range(12)))
    left = points_of(db, a)
    assert left >= 0
    assert results.count("requested") >= 2 and results.count("not_enough") >= 1
    spent = sum(e.points for e in entries_of(db, a) if e.source.startswith("redeem:"))
    assert 10 + spent == left and left < 3
    with db.session() as s:
        stock = s.get(Reward, cheap).stock + s.get(Reward, dear).stock
    assert stock == 200 - results.count("requested")


def test_redeem_says_why_not_and_changes_nothing(db):
    (a,) = make_residents(db, 1)
    give(db, a, 5)
    dear = add_reward(db, points=6, stock=1)
    gone = add_reward(db, points=1, stock=0, name="已兑完的礼品")
    with db.session() as s:
        assert redeem(s, a, dear).status == "not_enough"
        assert redeem(s, a, gone).status == "no_stock"
        assert redeem(s, a, 999999).status == "not_found"
    assert points_of(db, a) == 5
    with db.session() as s:
        assert s.get(Reward, dear).stock == 1


def test_a_redemption_is_handed_out_once(db):
    (a,) = make_residents(db, 1)
    give(db, a, 5)
    reward = add_reward(db, points=5, stock=1)
    with db.session() as s:
        redemption = redeem(s, a, reward).redemption
    with db.session() as s:
        assert hand_out(s, redemption.id, "telegram:9", START)[0] == "done"
    with db.session() as s:
        assert hand_out(s, redemption.id, "telegram:9", START + timedelta(minutes=1))[0] == "already"
        assert hand_out(s, 999999, "telegram:9", START)[0] == "not_found"


def test_demo_rewards_load_once(db):
    added = load_demo_rewards(db)
    assert added >= 3
    assert load_demo_rewards(db) == 0
    with db.session() as s:
        assert all(r.stock > 0 and r.points > 0 for r in s.exec(select(Reward)))
