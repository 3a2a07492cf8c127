"""Deleting an account while others sign up for the same full course: the database decides."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import func, select

from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from store.enrolments import take_seat
from store.models import Enrolment, OutboxMessage
from store.models.enrolment import CONFIRMED, WAITING
from store.people import find_account
from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.people import console_person

NEWCOMERS = 12


def test_a_deletion_racing_sign_ups_gives_the_seat_to_the_first_in_line_once(db, settings, clock):
    course = add_course(db, "LIVE-01", "书法入门", capacity=3, first_start=START + timedelta(days=2))
    dialogs = Dialogs(db, settings, clock)
    people = ["wang", "li", "zhao", "first-waiting", *(f"new-{i}" for i in range(NEWCOMERS))]
    for user in people:
        console_person(dialogs, user)
    with db.session() as s:
        ids = {user: find_account(s, "console", user).resident_id for user in people}
        for user in ("wang", "li", "zhao", "first-waiting"):
            take_seat(s, ids[user], course.id, now=START)

    def act(user: str) -> None:
        payload = "mydd" if user == "wang" else f"suy:{course.code}"
        dialogs.handle(Incoming("console", user, payload=payload))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(act, ["new-0", "new-1", "wang", *(f"new-{i}" for i in range(2, NEWCOMERS))]))

    with db.session() as s:
        places = s.exec(select(Enrolment).where(Enrolment.course_id == course.id)).all()
        confirmed = {p.resident_id for p in places if p.status == CONFIRMED}
        assert confirmed == {ids["li"], ids["zhao"], ids["first-waiting"]}
        waiting = [p.resident_id for p in places if p.status == WAITING]
        assert sorted(waiting) == sorted(ids[f"new-{i}"] for i in range(NEWCOMERS))
        live = [p.resident_id for p in places if p.status in (CONFIRMED, WAITING)]
        assert len(live) == len(set(live))  # nobody twice
        pushes = s.exec(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "promotion", OutboxMessage.resident_id == ids["first-waiting"])).one()
        assert pushes == 1
