"""An update kept in the inbox is claimed by the turn that marks its row done: however many turns
take it at once (a redelivery to a second worker, a sweep), it is answered once."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.dialogs.failures import handling_stored
from bot.messages import Incoming
from store.inbox import keep_update
from store.models import InboundUpdate, OutboxMessage
from store.models.inbox import DONE

USER = "9301"


def keep(db, clock, key: str) -> None:
    now = clock.now()
    with db.session() as s:
        keep_update(s, "telegram", key, {"update_id": int(key)}, now, "w1", now + timedelta(seconds=30))


def stored_turn(dialogs: Dialogs, key: str, text: str = "/start"):
    with handling_stored("telegram", key):
        return dialogs.take_turn(Incoming("telegram", USER, text=text, update_key=key))


def reply_rows(db) -> int:
    with db.session() as s:
        return len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reply")).all())


def test_turns_racing_for_one_kept_update_answer_it_once(db, settings, clock):
    dialogs = Dialogs(db, settings, clock)
    keep(db, clock, "501")
    start = threading.Barrier(4)
    answers: list[int] = []

    def take() -> None:
        start.wait()
        answers.append(len(stored_turn(dialogs, "501").replies))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [0, 0, 0, 1]
    assert reply_rows(db) == 1
    with db.session() as s:
        assert s.exec(select(InboundUpdate.status)).all() == [DONE]


def test_a_kept_update_handled_before_is_not_answered_again(db, settings, clock):
    dialogs = Dialogs(db, settings, clock)
    keep(db, clock, "601")
    assert stored_turn(dialogs, "601").replies
    assert stored_turn(dialogs, "601", text="帮助").replies == []  # delivered again
    assert reply_rows(db) == 1


def test_an_update_not_kept_is_still_claimed_by_its_key(db, settings, clock):
    dialogs = Dialogs(db, settings, clock)
    first = dialogs.take_turn(Incoming("telegram", USER, text="/start", update_key="701"))
    again = dialogs.take_turn(Incoming("telegram", USER, text="/start", update_key="701"))
    assert first.replies and again.replies == []
