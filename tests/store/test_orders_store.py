"""Orders move 点单 → 派单 → 接单 → 完成 → 评价 only along allowed steps, one history row a step."""
from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlmodel import select

from store.models import OrderEvent, OrderRating, Resident, ServiceOrder
from store.models.orders import ACCEPTED, DECLINED, DISPATCHED, DONE, ORDERED, RATED
from store.orders import (accept_order, add_order_comment, can_move, complete_order, decline_order,
                          dispatch_order, normalise_phone, order_history, place_order, rate_order,
                          return_order, service_by_code)
from store.services_import import save_service
from store.teams import save_team
from tests.conftest import START

DAY = date(2026, 12, 20)


def setup(db, teams: int = 1) -> dict:
    """A service, a resident who orders, organizers and teams."""
    with db.session() as s:
        people = [Resident(display_name=name) for name in ("王阿姨", "组织者甲", "组织者乙", "队长")]
        s.add_all(people)
        s.flush()
        save_service(s, {"code": "S-DY", "name": "送电影", "kind": "电影", "description": ""})
        team_ids = [save_team(s, f"放映队{i}", "volunteer", people[3].id).id for i in range(teams)]
        return {"resident": people[0].id, "org1": people[1].id, "org2": people[2].id,
                "leader": people[3].id, "teams": team_ids}


def new_order(db, people: dict, when=START) -> int:
    with db.session() as s:
        order = place_order(s, service_id=service_by_code(s, "S-DY").id, community="幸福社区",
                            place="文化广场", preferred_dates="12月20日", audience=80, contact_name="王阿姨",
                            contact_phone="13812345678", resident_id=people["resident"], now=when)
        return order.id


def status(db, order_id: int) -> str:
    with db.session() as s:
        return s.get(ServiceOrder, order_id).status


def steps(db, order_id: int) -> list[tuple[str, str]]:
    with db.session() as s:
        return [(e.from_status, e.to_status) for e in order_history(s, order_id)]


def test_order_numbers_count_up_per_local_day(db):
    people = setup(db)
    first, second = new_order(db, people), new_order(db, people)
    late = new_order(db, people, START + timedelta(hours=17))  # 01:00 next day in Shanghai
    with db.session() as s:
        numbers = [s.get(ServiceOrder, i).number for i in (first, second, late)]
    assert numbers == ["D20261201-0001", "D20261201-0002", "D20261202-0001"]


def test_orders_placed_at_once_get_different_numbers(db):
    people = setup(db)
    barrier = threading.Barrier(8)

    def place() -> None:
        barrier.wait()
        new_order(db, people)

    threads = [threading.Thread(target=place) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.session() as s:
        numbers = sorted(s.exec(select(ServiceOrder.number)))
    assert numbers == [f"D20261201-{n:04d}" for n in range(1, 9)]


def test_the_whole_way_leaves_a_history_row_per_step(db):
    people = setup(db)
    order_id = new_order(db, people)
    with db.session() as s:
        assert dispatch_order(s, order_id, people["teams"][0], people["org1"], START).status == "moved"
        assert accept_order(s, order_id, DAY, people["leader"], START).status == "moved"
        assert complete_order(s, order_id, 120, people["org1"], START).status == "moved"
        assert rate_order(s, order_id, people["resident"], "优", START).status == "recorded"
        assert add_order_comment(s, order_id, people["resident"], "电影很好看") == "saved"
    assert steps(db, order_id) == [("", ORDERED), (ORDERED, DISPATCHED), (DISPATCHED, ACCEPTED),
                                   (ACCEPTED, DONE), (DONE, RATED)]
    with db.session() as s:
        order = s.get(ServiceOrder, order_id)
        assert (order.scheduled_date, order.headcount, order.contact_phone) == (DAY, 120, "13812345678")
        rating = s.exec(select(OrderRating)).one()
        assert (rating.grade, rating.comment) == ("优", "电影很好看")


def test_illegal_moves_are_refused_and_change_nothing(db):
    people = setup(db)
    order_id = new_order(db, people)
    with db.session() as s:
        assert accept_order(s, order_id, DAY, people["leader"], START).status == "illegal"
        assert complete_order(s, order_id, 10, people["org1"], START).status == "illegal"
        assert rate_order(s, order_id, people["resident"], "优", START).status == "not_done"
        assert decline_order(s, order_id, "  ", people["org1"], START).status == "bad_input"
        assert decline_order(s, order_id, "场地不够", people["org1"], START).status == "moved"
    with db.session() as s:
        # No accepting, dispatching or finishing a declined order.
        assert dispatch_order(s, order_id, people["teams"][0], people["org1"], START).status == "illegal"
        result = accept_order(s, order_id, DAY, people["leader"], START)
        assert (result.status, result.from_status) == ("illegal", DECLINED)
    assert status(db, order_id) == DECLINED
    assert steps(db, order_id) == [("", ORDERED), (ORDERED, DECLINED)]


def test_no_double_completion_and_one_rating_per_person(db):
    people = setup(db)
    order_id = new_order(db, people)
    with db.session() as s:
        dispatch_order(s, order_id, people["teams"][0], people["org1"], START)
        accept_order(s, order_id, DAY, people["leader"], START)
        assert complete_order(s, order_id, 100, people["org1"], START).status == "moved"
        assert complete_order(s, order_id, 90, people["leader"], START).status == "illegal"
        assert rate_order(s, order_id, people["org1"], "差", START).status == "not_asked"
        assert rate_order(s, order_id, people["resident"], "好", START).status == "bad_grade"
        assert rate_order(s, order_id, people["resident"], "良", START).status == "recorded"
        again = rate_order(s, order_id, people["resident"], "差", START)
        assert (again.status, again.grade) == ("already", "良")
    with db.session() as s:
        assert s.get(ServiceOrder, order_id).headcount == 100
        assert [r.grade for r in s.exec(select(OrderRating))] == ["良"]


def test_a_team_hands_an_order_back_to_the_organizer(db):
    people = setup(db, teams=2)
    order_id = new_order(db, people)
    with db.session() as s:
        dispatch_order(s, order_id, people["teams"][0], people["org1"], START)
        assert return_order(s, order_id, "", people["leader"], START).status == "bad_input"
        assert return_order(s, order_id, "那天有演出", people["leader"], START).status == "moved"
        order = s.get(ServiceOrder, order_id)
        assert (order.status, order.team_id) == (ORDERED, None)
        assert dispatch_order(s, order_id, people["teams"][1], people["org1"], START).status == "moved"
    assert steps(db, order_id)[1:] == [(ORDERED, DISPATCHED), (DISPATCHED, ORDERED), (ORDERED, DISPATCHED)]
    with db.session() as s:
        assert order_history(s, order_id)[2].note == "那天有演出"


def test_a_team_of_another_community_cannot_take_the_order(db):
    people = setup(db)
    order_id = new_order(db, people)
    with db.session() as s:
        other = save_team(s, "和平社区志愿队", "volunteer", people["leader"], "和平社区").id
        assert dispatch_order(s, order_id, other, people["org1"], START).status == "bad_input"
        assert dispatch_order(s, order_id, 999999, people["org1"], START).status == "bad_input"
    assert status(db, order_id) == ORDERED


def test_two_organizers_dispatching_at_once_one_wins(db):
    people = setup(db, teams=2)
    for _ in range(5):
        order_id = new_order(db, people)
        barrier = threading.Barrier(2)
        results: list[str] = []

        def dispatch(organizer: int, team: int) -> None:
            barrier.wait()
            with db.session() as s:
                results.append(dispatch_order(s, order_id, team, organizer, START).status)

        threads = [threading.Thread(target=dispatch, args=(people["org1"], people["teams"][0])),
                   threading.Thread(target=dispatch, args=(people["org2"], people["teams"][1]))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == ["illegal", "moved"]
        assert steps(db, order_id) == [("", ORDERED), (ORDERED, DISPATCHED)]
        with db.session() as s:
            event = s.exec(select(OrderEvent).where(OrderEvent.order_id == order_id,
                                                    OrderEvent.to_status == DISPATCHED)).one()
            assert s.get(ServiceOrder, order_id).team_id is not None
            assert event.actor_resident_id in (people["org1"], people["org2"])


def test_the_moves_table():
    assert can_move(ORDERED, DISPATCHED) and can_move(DISPATCHED, ORDERED) and can_move(DONE, RATED)
    assert not can_move(DECLINED, ACCEPTED) and not can_move(ORDERED, DONE) and not can_move(DONE, DONE)


def test_phone_numbers_are_checked():
    assert normalise_phone("138 1234 5678") == "13812345678"
    assert normalise_phone("+86 138-1234-5678") == "13812345678"
    for bad in ("12812345678", "1381234567", "abc", "", "23812345678"):
        assert normalise_phone(bad) is None
