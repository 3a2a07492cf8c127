"""A turn's replies are outbox rows written with the turn: sent at once, or by the tick if that fails."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.app import build_worker
from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from scheduler.replies import deliver_owed
from scheduler.senders import FATAL, RETRY, UNREACHABLE, SendError
from store.models import OutboxMessage
from store.models.outbox import DEAD, FAILED, SENDING, SENT
from tests.scheduler.test_outbox_worker import RecordingSender

USER = "9001"


@pytest.fixture
def talk(db, settings, clock):
    """The dialogs on both databases, as a channel worker runs them."""
    return Dialogs(db, settings, clock, worker_id="channel-worker")


def reply_rows(db) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reply")
                           .order_by(OutboxMessage.id)))


def turn(talk, text="帮助", key="u1"):
    return talk.take_turn(Incoming("telegram", USER, text=text, update_key=key))


def test_a_turn_writes_its_replies_as_rows_held_by_this_worker(talk):
    done = turn(talk, "/start", "u1")
    rows = reply_rows(talk.db)
    assert [r.id for r in rows] == done.owed and len(done.owed) == len(done.replies) >= 1
    assert {(r.status, r.claimed_by, r.urgent) for r in rows} == {(SENDING, "channel-worker", True)}
    assert rows[0].idem_key == "telegram:reply:u1:0"
    assert turn(talk, "/start", "u1").replies == []  # the same update again: nothing more owed
    assert len(reply_rows(talk.db)) == len(done.owed)


async def test_sent_replies_are_marked_sent_and_the_tick_leaves_them(talk, settings, clock):
    done = turn(talk)
    sender = RecordingSender()
    result = await deliver_owed(talk.db, talk.worker_id, done.replies, done.owed,
                                lambda r: sender.send(USER, r), clock.now, 5)
    assert result.sent == done.owed and [r.status for r in reply_rows(talk.db)] == [SENT]
    clock.advance(hours=1)
    tick = await build_worker(talk.db, settings, {"telegram": sender}, clock).drain()
    assert tick.claimed == 0 and len(sender.delivered) == 1


async def test_a_worker_that_died_after_the_turn_leaves_the_reply_to_the_tick(talk, settings, clock):
    done = turn(talk)  # committed; the process dies before sending
    sender = RecordingSender()
    worker = build_worker(talk.db, settings, {"telegram": sender}, clock)
    assert (await worker.drain()).claimed == 0  # the lease still holds
    clock.advance(seconds=settings.scheduler.lease_seconds + 1)
    assert (await worker.drain()).sent == 1
    assert sender.texts_to(USER) == [done.replies[0].text]


async def test_a_passing_failure_leaves_that_reply_and_the_rest_in_order_for_the_tick(talk, clock):
    done = talk.take_turn(Incoming("telegram", USER, text="/start", update_key="u2"))
    sender = RecordingSender()
    sender.failures[USER] = [SendError(RETRY, "502", retry_after=30)]
    result = await deliver_owed(talk.db, talk.worker_id, done.replies, done.owed,
                                lambda r: sender.send(USER, r), clock.now, 5)
    assert result.waiting == done.owed and result.sent == []
    rows = reply_rows(talk.db)
    assert {r.status for r in rows} == {FAILED}
    assert rows[0].due_at == clock.now() + timedelta(seconds=30)


async def test_a_bad_message_alone_is_dropped_and_a_blocked_resident_gets_nothing_more(talk, clock):
    first, second, third = turn(talk, "帮助", "a"), turn(talk, "我的报名", "b"), turn(talk, "帮助", "c")
    sender = RecordingSender()
    sender.failures[USER] = [SendError(FATAL, "bad")]
    result = await deliver_owed(talk.db, talk.worker_id, first.replies + second.replies,
                                first.owed + second.owed, lambda r: sender.send(USER, r), clock.now, 5)
    assert (result.dead, result.sent) == (first.owed, second.owed)
    sender.always_fail[USER] = SendError(UNREACHABLE, "blocked")
    result = await deliver_owed(talk.db, talk.worker_id, third.replies, third.owed,
                                lambda r: sender.send(USER, r), clock.now, 5)
    assert result.dead == third.owed
    assert [r.status for r in reply_rows(talk.db)] == [DEAD, SENT, DEAD]
