"""The outbox worker: due pushes sent once, failures retried or given up, quiet hours, several workers."""
from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.messages import Choice, Incoming, Reply
from bot.texts import t
from scheduler.outbox_worker import OutboxWorker, TickResult
from bot.app import build_worker
from scheduler.senders import FATAL, RETRY, UNREACHABLE, SendError
from store.db import Database
from store.dialog_state import load_state
from store.models import ChannelAccount, CommunityGroup, DialogState, OutboxMessage, Resident
from store.models.outbox import DEAD, FAILED, PENDING, SENDING, SENT, SKIPPED
from store.outbox import enqueue
from tests.conftest import START  # 08:00 in Shanghai
from tests.support.waiting import wait_until

CHANNEL = "test"


class RecordingSender:
    """Records every delivery; can fail or hold chosen recipients."""

    channel = CHANNEL

    def __init__(self):
        self.delivered: list[tuple[str, Reply]] = []
        self.attempts: Counter[str] = Counter()
        self.failures: dict[str, list[SendError]] = defaultdict(list)
        self.always_fail: dict[str, SendError] = {}
        self.hold: set[str] = set()
        self.held = 0
        self.gate = asyncio.Event()

    async def send(self, external_id: str, reply: Reply) -> None:
        self.attempts[external_id] += 1
        await asyncio.sleep(0)  # let other sends interleave
        if external_id in self.always_fail:
            raise self.always_fail[external_id]
        if self.failures[external_id]:
            raise self.failures[external_id].pop(0)
        if external_id in self.hold:
            self.held += 1
            await self.gate.wait()
        self.delivered.append((external_id, reply))

    def texts_to(self, external_id: str) -> list[str]:
        return [r.text for e, r in self.delivered if e == external_id]


def add_resident(db, *accounts: tuple[str, str], name: str = "李大爷") -> tuple[int, list[int]]:
    """A resident with accounts given as (channel, external_id), the last one seen most recently."""
    with db.session() as s:
        resident = Resident(display_name=name)
        s.add(resident)
        s.flush()
        ids = []
        for n, (channel, external_id) in enumerate(accounts):
            account = ChannelAccount(channel=channel, external_id=external_id, resident_id=resident.id,
                                     last_seen_at=START - timedelta(days=30 - n))
            s.add(account)
            s.flush()
            ids.append(account.id)
        return resident.id, ids


def push(db, key: str, resident_id: int, due_at: datetime, *, text: str | None = None,
         choices: tuple[Choice, ...] = (), urgent: bool = False, account_id: int | None = None,
         payload: dict | None = None) -> int:
    with db.session() as s:
        enqueue(s, idem_key=key, kind="notice", due_at=due_at, resident_id=resident_id,
                account_id=account_id, urgent=urgent,
                payload=payload if payload is not None else Reply(text or key, choices).to_dict())
    return row_by_key(db, key).id


def row_by_key(db, key: str) -> OutboxMessage:
    with db.session() as s:
        return s.exec(select(OutboxMessage).where(OutboxMessage.idem_key == key)).one()


@pytest.fixture
def sender():
    return RecordingSender()


def make_worker(db, settings, sender, clock, **kw) -> OutboxWorker:
    return build_worker(db, settings, {CHANNEL: sender}, clock, **kw)


async def test_due_pushes_are_sent_once_and_future_ones_wait(db, settings, sender, clock):
    resident, _ = add_resident(db, (CHANNEL, "1001"))
    for n in range(3):
        push(db, f"now:{n}", resident, START - timedelta(minutes=n))
    later = push(db, "later", resident, START + timedelta(hours=2))
    worker = make_worker(db, settings, sender, clock)

    result = await worker.drain()
    assert (result.claimed, result.sent) == (3, 3)
    assert sorted(sender.texts_to("1001")) == ["now:0", "now:1", "now:2"]
    assert row_by_key(db, "now:0").status == SENT and row_by_key(db, "now:0").sent_at == START
    assert worker.last_tick_at == START

    assert (await worker.drain()).claimed == 0
    clock.advance(hours=2)
    assert (await worker.drain()).sent == 1
    assert sender.texts_to("1001")[-1] == "later"
    with db.session() as s:
        assert s.get(OutboxMessage, later).status == SENT


async def test_a_typed_number_answers_the_push(db, settings, sender, clock):
    from bot.dialogs.engine import Dialogs
    resident, [account] = add_resident(db, (CHANNEL, "1002"))
    push(db, "poll", resident, START, text="明天有课，请选择：",
         choices=(Choice("帮助", "help"), Choice("主菜单", "menu")))
    await make_worker(db, settings, sender, clock).drain()
    with db.session() as s:
        data = load_state(s, account).data
    assert data["choices"] == ["help", "menu"]

    replies = Dialogs(db, settings, clock).handle(Incoming(CHANNEL, "1002", text="1"))
    assert replies and replies[0].text.startswith(t("help", "zh"))


async def test_a_push_to_a_group_remembers_nothing_for_anyone(db, settings, sender, clock):
    group, [account] = add_resident(db, (CHANNEL, "-1001"), name="幸福社区群")
    with db.session() as s:
        s.add(CommunityGroup(account_id=account, community="幸福社区", active=True))
    push(db, "notice:1", group, START, text="周六义诊", choices=(Choice("帮助", "help"),),
         account_id=account)
    assert (await make_worker(db, settings, sender, clock).drain()).sent == 1
    with db.session() as s:
        assert s.exec(select(DialogState)).all() == []


async def test_restart_mid_send_resends_nothing_recorded_sent(db, settings, sender, clock):
    residents = [add_resident(db, (CHANNEL, f"20{n}"))[0] for n in range(5)]
    for n, resident in enumerate(residents):
        push(db, f"r:{n}", resident, START)
    sender.hold = {"203", "204"}  # the process dies while these two are being sent
    first = make_worker(db, settings, sender, clock, worker_id="first")
    tick = asyncio.create_task(first.tick())

    def settled() -> bool:
        with db.session() as s:
            done = s.exec(select(OutboxMessage).where(OutboxMessage.status == SENT)).all()
        return sender.held == 2 and len(done) == 3
    await wait_until(settled, what="two sends held, three recorded sent")
    tick.cancel()
    with pytest.raises(asyncio.CancelledError):
        await tick
    assert row_by_key(db, "r:3").status == SENDING

    sender.hold = set()
    restarted = make_worker(Database(db.url), settings, sender, clock, worker_id="second")
    assert (await restarted.drain()).claimed == 0  # the dead worker's lease still holds
    clock.advance(seconds=settings.scheduler.lease_seconds + 1)
    result = await restarted.drain()
    assert (result.claimed, result.sent) == (2, 2)
    restarted.db.dispose()
    assert Counter(e for e, _ in sender.delivered) == {f"20{n}": 1 for n in range(5)}
    assert row_by_key(db, "r:4").attempts == 2


async def test_retry_after_is_honoured(db, settings, sender, clock):
    resident, _ = add_resident(db, (CHANNEL, "3001"))
    push(db, "busy", resident, START)
    sender.failures["3001"].append(SendError(RETRY, "429 Too Many Requests", retry_after=120))
    worker = make_worker(db, settings, sender, clock)

    assert (await worker.tick()).retried == 1
    row = row_by_key(db, "busy")
    assert (row.status, row.due_at, row.attempts) == (FAILED, START + timedelta(seconds=120), 1)
    assert "429" in row.last_error
    clock.advance(seconds=119)
    assert (await worker.tick()).claimed == 0
    clock.advance(seconds=1)
    assert (await worker.tick()).sent == 1
    assert sender.texts_to("3001") == ["busy"]
    assert row_by_key(db, "busy").attempts == 2


async def test_server_errors_back_off_then_die(db, settings, sender, clock):
    resident, _ = add_resident(db, (CHANNEL, "4001"))
    push(db, "flaky", resident, START)
    sender.always_fail["4001"] = SendError(RETRY, "502 Bad Gateway")
    worker = make_worker(db, settings, sender, clock)
    sch = settings.scheduler

    for attempt in range(1, sch.max_attempts):
        assert (await worker.tick()).retried == 1
        wait = sch.backoff_base_seconds * 2 ** (attempt - 1)
        assert row_by_key(db, "flaky").due_at == clock.now() + timedelta(seconds=wait)
        clock.advance(seconds=wait - 1)
        assert (await worker.tick()).claimed == 0
        clock.advance(seconds=1)
    assert (await worker.tick()).dead == 1
    row = row_by_key(db, "flaky")
    assert row.status == DEAD and row.attempts == sch.max_attempts
    assert "502" in row.last_error and f"{sch.max_attempts} attempts" in row.last_error
    assert sender.attempts["4001"] == sch.max_attempts
    clock.advance(days=1)
    assert (await worker.drain()).claimed == 0


async def test_blocked_account_is_marked_unreachable(db, settings, sender, clock):
    resident, [account] = add_resident(db, (CHANNEL, "5001"))
    push(db, "first", resident, START)
    sender.failures["5001"].append(SendError(UNREACHABLE, "Forbidden: bot was blocked by the user"))
    worker = make_worker(db, settings, sender, clock)
    assert (await worker.tick()).dead == 1
    row = row_by_key(db, "first")
    assert row.status == DEAD and "blocked" in row.last_error
    with db.session() as s:
        assert s.get(ChannelAccount, account).unreachable

    push(db, "second", resident, START)
    assert (await worker.tick()).dead == 1
    assert row_by_key(db, "second").last_error == "no reachable account"
    assert sender.attempts["5001"] == 1


async def test_fatal_errors_die_at_once(db, settings, sender, clock):
    resident, _ = add_resident(db, (CHANNEL, "5101"))
    push(db, "bad", resident, START)
    sender.failures["5101"].append(SendError(FATAL, "Bad Request: message text is empty"))
    assert (await make_worker(db, settings, sender, clock).drain()).dead == 1
    assert row_by_key(db, "bad").status == DEAD


async def test_quiet_hours_hold_non_urgent_pushes_until_morning(db, settings, sender, clock):
    evening = START + timedelta(hours=14)  # 22:00 in Shanghai
    morning = START + timedelta(days=1)    # 08:00 the next day
    clock.set(evening)
    resident, _ = add_resident(db, (CHANNEL, "6001"))
    push(db, "notice", resident, evening)
    push(db, "promotion", resident, evening, urgent=True)
    worker = make_worker(db, settings, sender, clock)

    result = await worker.drain()
    assert (result.sent, result.deferred) == (1, 1)
    assert sender.texts_to("6001") == ["promotion"]
    held = row_by_key(db, "notice")
    assert (held.status, held.due_at, held.attempts) == (PENDING, morning, 0)

    clock.set(morning - timedelta(minutes=1))
    assert (await worker.drain()).claimed == 0
    clock.set(morning)
    assert (await worker.drain()).sent == 1
    assert sender.texts_to("6001") == ["promotion", "notice"]


async def test_recipient_is_the_latest_reachable_account_with_a_sender(db, settings, sender, clock):
    resident, [old, wecom, newest] = add_resident(
        db, (CHANNEL, "7001"), ("wecom", "zhang"), (CHANNEL, "7002"))
    worker = make_worker(db, settings, sender, clock)
    push(db, "a", resident, START)
    await worker.tick()
    with db.session() as s:
        gone = s.get(ChannelAccount, newest)
        gone.unreachable = True
        s.add(gone)
    push(db, "b", resident, START)
    push(db, "c", resident, START + timedelta(minutes=1), account_id=old)
    await worker.tick()
    clock.advance(minutes=1)
    await worker.tick()
    assert sender.texts_to("7002") == ["a"]
    assert sender.texts_to("7001") == ["b", "c"]  # wecom has no sender in this process


async def test_rendered_payloads(db, settings, sender, clock, monkeypatch):
    seen = []

    def render(session, message, account, now):
        seen.append((message.kind, account.external_id, now))
        what = json_payload(message)["render"]
        if what == "boom":
            raise RuntimeError("template missing")
        return None if what == "cancelled" else Reply(f"提醒：{what}")

    resident, _ = add_resident(db, (CHANNEL, "8001"))
    for what in ("reminder", "cancelled", "boom"):
        push(db, what, resident, START, payload={"render": what})
    worker = make_worker(db, settings, sender, clock)
    monkeypatch.setattr(worker.rules, "render", render)  # the dialogs' rules, this one replaced
    result = await worker.tick()
    assert (result.sent, result.skipped, result.retried) == (1, 1, 1)
    assert sender.texts_to("8001") == ["提醒：reminder"]
    assert row_by_key(db, "cancelled").status == SKIPPED
    assert "template missing" in row_by_key(db, "boom").last_error
    assert seen[0][1:] == ("8001", START)


def json_payload(message):
    import json
    return json.loads(message.payload)


async def test_release_on_shutdown_hands_back_unstarted_rows(db, settings, sender, clock):
    residents = [add_resident(db, (CHANNEL, f"90{n}"))[0] for n in range(4)]
    for n, resident in enumerate(residents):
        push(db, f"s:{n}", resident, START - timedelta(seconds=10 - n))
    sender.hold = {"900"}
    worker = make_worker(db, settings, sender, clock, concurrency=1)
    tick = asyncio.create_task(worker.tick())
    await wait_until(lambda: sender.held, what="the first send held")
    stopping = asyncio.create_task(worker.release_claimed())
    await wait_until(lambda: worker.stopping, what="the worker stopping")
    sender.gate.set()
    assert await stopping == 3
    result = await tick
    assert (result.sent, result.released) == (1, 3)
    assert [row_by_key(db, f"s:{n}").status for n in range(4)] == [SENT, PENDING, PENDING, PENDING]
    assert row_by_key(db, "s:1").attempts == 0
    assert await worker.tick() == TickResult()


async def test_two_workers_on_postgres_send_every_row_exactly_once(pg_db, settings, clock):
    sender = RecordingSender()
    settings = settings.model_copy(update={
        "scheduler": settings.scheduler.model_copy(update={"batch_size": 40})})
    resident, _ = add_resident(pg_db, (CHANNEL, "1"))
    with pg_db.session() as s:
        for n in range(500):
            enqueue(s, idem_key=f"bulk:{n}", kind="notice", payload={"text": str(n)},
                    due_at=START - timedelta(seconds=n % 50), resident_id=resident)
    other_db = Database(pg_db.url, pool_size=10)
    one = make_worker(pg_db, settings, sender, clock, worker_id="one")
    two = make_worker(other_db, settings, sender, clock, worker_id="two")
    totals = {"one": TickResult(), "two": TickResult()}
    try:
        while True:
            a, b = await asyncio.gather(one.tick(), two.tick())
            totals["one"].add(a)
            totals["two"].add(b)
            if not a.claimed and not b.claimed:
                break
    finally:
        other_db.dispose()
    deliveries = Counter(r.text for _, r in sender.delivered)
    assert len(deliveries) == 500 and set(deliveries.values()) == {1}
    assert totals["one"].sent + totals["two"].sent == 500
    assert totals["one"].sent > 0 and totals["two"].sent > 0
    assert totals["one"].lost == totals["two"].lost == 0
    with pg_db.session() as s:
        assert {r.status for r in s.exec(select(OutboxMessage))} == {SENT}


async def test_batcher_runs_what_queued_up_together():
    from scheduler.outbox_worker import Batcher
    sizes = []

    def run(items):
        sizes.append(len(items))
        return [n * 10 for n in items]

    batcher = Batcher(run)
    assert await asyncio.gather(*(batcher.submit(n) for n in range(1, 6))) == [10, 20, 30, 40, 50]
    assert sizes == [1, 4]  # the first alone, the rest while it ran


async def test_a_failing_outcome_does_not_take_the_others_with_it(sqlite_db, settings, sender, clock,
                                                                  monkeypatch):
    from scheduler import outbox_worker
    from scheduler.outbox_worker import LOST, _Outcome
    from store.outbox_claims import claim_due
    db = sqlite_db
    resident, [account] = add_resident(db, (CHANNEL, "9901"))
    ids = [push(db, f"o:{n}", resident, START) for n in range(3)]
    worker = make_worker(db, settings, sender, clock, worker_id="w")
    claim_due(db, START, 10, 60, "w")

    def broken(*args):
        raise RuntimeError("disk full")
    monkeypatch.setattr(outbox_worker, "mark_retry", broken)
    reply = Reply("提醒", (Choice("帮助", "help"),))
    results = await asyncio.gather(
        worker._record(_Outcome(ids[0], "sent", account_id=account, reply=reply)),
        worker._record(_Outcome(ids[1], "retried", when=START, error="502")),
        worker._record(_Outcome(ids[2], "sent", account_id=account, reply=reply)))
    assert results == ["sent", LOST, "sent"]
    assert [row_by_key(db, f"o:{n}").status for n in range(3)] == [SENT, SENDING, SENT]
