"""The outbox tick: claim due pushes, render them, send them through channel senders, record the outcome.

Delivery is at least once: a push is recorded sent right after the channel accepted it, so a
worker that dies between those two steps lets the next worker send that one push again.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import update
from sqlmodel import Session

from bot.clock import SystemClock
from bot.messages import Reply
from bot.observability.metrics import count_delivery, observe_tick
from bot.settings import Settings
from scheduler.push_rules import PushRules
from scheduler.senders import HOLD, RETRY, UNREACHABLE, Sender, SendError
from store.db import Database
from store.models import ChannelAccount, OutboxMessage
from store.outbox_claims import (claim_due, defer_many, mark_dead, mark_held, mark_retry,
                                 mark_sent_many, mark_skipped, pick_recipients, release)

log = logging.getLogger("linli.outbox")

T = TypeVar("T")
R = TypeVar("R")

SENT, RETRIED, DEAD, DEFERRED, SKIPPED, LOST, RELEASED, HELD = (
    "sent", "retried", "dead", "deferred", "skipped", "lost", "released", "held")


@dataclass
class TickResult:
    """What one tick (or a drain) did with the rows it claimed."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0
    skipped: int = 0
    lost: int = 0      # another worker took the row over before the outcome was recorded
    released: int = 0  # handed back unsent at shutdown
    held: int = 0      # the channel may not send it now: waits for the recipient's next message
    planned: int = 0   # rows the push rules wrote as they fell due (reminders, polls) before claiming

    def add(self, other: "TickResult") -> None:
        """Sum another result into this one."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(frozen=True)
class _Plan:
    account_id: int
    channel: str
    external_id: str
    reply: Reply
    kind: str = ""                  # the outbox row's kind (reminder, poll, notice …)
    key: str = ""                   # the outbox row's idem_key


@dataclass(frozen=True)
class _Outcome:
    row_id: int
    kind: str                       # SENT, RETRIED, DEAD, DEFERRED or HELD
    when: datetime | None = None    # the retry or deferral time
    error: str = ""
    account_id: int | None = None   # SENT: whose dialog keeps the choices; DEAD: the lost account
    reply: Reply | None = None


def default_worker_id() -> str:
    """Host, process and a random part: unique for every worker object."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class OutboxWorker:
    """Sends due outbox rows through the sender of each recipient's channel."""

    def __init__(self, db: Database, settings: Settings, senders: dict[str, Sender],
                 rules: PushRules, clock: Any = None, worker_id: str | None = None,
                 concurrency: int = 16):
        self.db = db
        self.settings = settings
        self.senders = senders
        self.rules = rules
        self.clock = clock or SystemClock()
        self.worker_id = worker_id or default_worker_id()
        self.concurrency = max(1, concurrency)
        self.last_tick_at: datetime | None = None  # end of the last tick that completed
        self._waiting: set[int] = set()  # claimed and not yet started
        self._ticking = 0
        self._outcomes: Batcher[_Outcome, str] = Batcher(self._write_outcomes)
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False

    # -- the tick ---------------------------------------------------------------------------

    async def tick(self) -> TickResult:
        """Claim what is due and deliver it; returns counts by outcome."""
        if self._stopping:
            return TickResult()
        self._ticking += 1
        self._idle.clear()
        started = time.perf_counter()
        try:
            return await self._tick()
        finally:
            observe_tick(time.perf_counter() - started)
            self._ticking -= 1
            if not self._ticking:
                self._idle.set()

    async def _tick(self) -> TickResult:
        sch = self.settings.scheduler
        now = self.clock.now()
        planned = await asyncio.to_thread(self._plan, now)
        rows = await asyncio.to_thread(claim_due, self.db, now, sch.batch_size, sch.lease_seconds,
                                       self.worker_id)
        result = TickResult(claimed=len(rows), planned=planned)
        if self._stopping:  # shutdown began while we were claiming
            await asyncio.to_thread(release, self.db, [row.id for row in rows], self.worker_id)
            result.released = len(rows)
            return result
        allowed = {row.id: self.rules.allowed_at(now, row.urgent) for row in rows}
        held = [row for row in rows if allowed[row.id] > now]  # quiet hours: back until morning
        ready = [row for row in rows if allowed[row.id] <= now]
        work = [self._record(_Outcome(row.id, DEFERRED, when=allowed[row.id])) for row in held]
        plans = await asyncio.to_thread(self._prepare_all, ready, now) if ready else {}
        self._waiting.update(row_id for row_id, plan in plans.items() if isinstance(plan, _Plan))
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: OutboxMessage, plan: _Plan | SendError | str) -> str:
            if isinstance(plan, str):  # settled while preparing
                return plan
            if isinstance(plan, SendError):
                return await self._failed(row, None, plan)
            async with gate:
                if row.id not in self._waiting:
                    return RELEASED
                self._waiting.discard(row.id)
                error = await self._send(plan)
            # Outside the gate: the next sends start while the outcome is being written.
            if error is not None:
                return await self._failed(row, plan, error)
            return await self._record(_Outcome(row.id, SENT, account_id=plan.account_id,
                                               reply=plan.reply))

        async def counted(row: OutboxMessage, plan: _Plan | SendError | str) -> str:
            outcome = await one(row, plan)
            count_delivery(plan.channel if isinstance(plan, _Plan) else None, outcome)
            return outcome

        work += [counted(row, plans[row.id]) for row in ready]
        for outcome in await asyncio.gather(*work, return_exceptions=True):
            if isinstance(outcome, BaseException):
                # The row keeps its lease; it is retried once the lease runs out.
                log.error("outbox delivery crashed: %r", outcome)
                result.lost += 1
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
        self.last_tick_at = self.clock.now()
        return result

    @property
    def stopping(self) -> bool:
        """True once release_claimed() was called: ticks do nothing any more."""
        return self._stopping

    @property
    def ticking(self) -> bool:
        """True while a tick is under way."""
        return self._ticking > 0

    async def drain(self, max_ticks: int = 1000) -> TickResult:
        """Tick until a tick finds nothing due (tests and one-off runs)."""
        total = TickResult()
        for _ in range(max_ticks):
            result = await self.tick()
            total.add(result)
            if not result.claimed:
                break
        return total

    async def release_claimed(self, timeout: float = 30.0) -> int:
        """Stop taking work, hand back rows not yet started, and wait for the tick under way."""
        self._stopping = True
        ids, self._waiting = list(self._waiting), set()
        released = await asyncio.to_thread(release, self.db, ids, self.worker_id)
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            log.warning("outbox: a tick was still sending at shutdown")
        return released

    # -- preparing and sending ------------------------------------------------------------------

    def _plan(self, now: datetime) -> int:
        # A failed plan is tried again next tick from the same reach; sending goes on meanwhile.
        try:
            return self.rules.plan_due(self.db, now)
        except Exception:
            log.exception("planning due pushes failed")
            return 0

    def _prepare_all(self, rows: list[OutboxMessage], now: datetime) -> dict[int, _Plan | SendError | str]:
        """Recipient and reply of every row in one transaction; rows with nothing to send are settled."""
        with self.db.session() as session:
            recipients = pick_recipients(session, rows, self.senders)
            return {row.id: self._prepare(session, row, recipients[row.id], now) for row in rows}

    def _prepare(self, session: Session, row: OutboxMessage, account: ChannelAccount | None,
                 now: datetime) -> _Plan | SendError | str:
        max_attempts = self.settings.scheduler.max_attempts
        if row.attempts > max_attempts:  # taken again and again: workers died while sending it
            return self._settle(mark_dead(session, row.id, self.worker_id,
                                          f"gave up after {max_attempts} attempts"), DEAD, row)
        if account is None:
            return self._settle(mark_dead(session, row.id, self.worker_id, "no reachable account"),
                                DEAD, row)
        try:
            payload = json.loads(row.payload)
            reply = None if "render" in payload else Reply.from_dict(payload)
        except (ValueError, TypeError) as exc:
            return self._settle(mark_dead(session, row.id, self.worker_id, f"bad payload: {exc}"),
                                DEAD, row)
        if reply is None:
            try:
                with session.begin_nested():  # a failing render leaves the other rows intact
                    reply = self.rules.render(session, row, account, now)
            except Exception as exc:  # noqa: BLE001  (a rendering bug must not stop the tick)
                log.exception("outbox row %s (%s) could not be rendered", row.id, row.kind)
                return SendError(RETRY, f"render failed: {exc!r}")
            if reply is None:
                return self._settle(mark_skipped(session, row.id, self.worker_id, "obsolete"),
                                    SKIPPED, row)
        return _Plan(account.id, account.channel, account.external_id, reply, row.kind, row.idem_key)

    async def _send(self, plan: _Plan) -> SendError | None:
        """Hand the reply to the channel; the failure, if any."""
        sender = self.senders[plan.channel]
        send_push = getattr(sender, "send_push", None)  # a KindSender
        send_keyed = getattr(sender, "send_keyed", None)  # a KeyedSender
        try:
            if send_keyed is not None:
                await send_keyed(plan.key, plan.external_id, plan.reply)
            elif send_push is not None:
                await send_push(plan.external_id, plan.reply, plan.kind)
            else:
                await sender.send(plan.external_id, plan.reply)
        except SendError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001
            log.exception("outbox: sender %s failed", plan.channel)
            return SendError(RETRY, repr(exc))
        return None

    async def _failed(self, row: OutboxMessage, plan: _Plan | None, exc: SendError) -> str:
        error = str(exc)[:400]
        if exc.kind == HOLD:
            return await self._record(_Outcome(row.id, HELD, error=error))
        if exc.kind == UNREACHABLE and plan is not None:
            return await self._record(_Outcome(row.id, DEAD, error=f"unreachable: {error}",
                                               account_id=plan.account_id))
        if exc.kind == RETRY:
            if row.attempts >= self.settings.scheduler.max_attempts:
                return await self._record(_Outcome(
                    row.id, DEAD, error=f"gave up after {row.attempts} attempts: {error}"))
            retry_at = self.clock.now() + self.retry_delay(row.attempts, exc.retry_after)
            return await self._record(_Outcome(row.id, RETRIED, when=retry_at, error=error))
        return await self._record(_Outcome(row.id, DEAD, error=error))

    async def _record(self, outcome: _Outcome) -> str:
        return await self._outcomes.submit(outcome)

    def retry_delay(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Exponential backoff after the n-th attempt, or the channel's wait if that is longer."""
        delay = self.settings.scheduler.backoff_base_seconds * 2 ** max(0, attempts - 1)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return timedelta(seconds=delay)

    # -- recording outcomes -------------------------------------------------------------------

    def _write_outcomes(self, outcomes: list[_Outcome]) -> list[str]:
        """Record a batch of outcomes in one transaction; if that fails, one by one."""
        try:
            with self.db.session() as session:
                return self._apply(session, outcomes)
        except Exception:  # noqa: BLE001
            if len(outcomes) == 1:
                raise
        results = []
        for outcome in outcomes:
            try:
                with self.db.session() as session:
                    results += self._apply(session, [outcome])
            except Exception:  # noqa: BLE001
                log.exception("outbox row %s: outcome could not be recorded", outcome.row_id)
                results.append(LOST)
        return results

    def _apply(self, session: Session, outcomes: list[_Outcome]) -> list[str]:
        sent = [o for o in outcomes if o.kind == SENT]
        done = mark_sent_many(session, [o.row_id for o in sent], self.worker_id, self.clock.now())
        self.rules.remember(session, [(o.account_id, o.reply) for o in sent
                                      if o.row_id in done and o.reply.choices])
        held: dict[datetime, list[int]] = {}
        for o in outcomes:
            if o.kind == DEFERRED:
                held.setdefault(o.when, []).append(o.row_id)
            elif o.kind == RETRIED and mark_retry(session, o.row_id, self.worker_id, o.error, o.when):
                done.add(o.row_id)
            elif o.kind == HELD and mark_held(session, o.row_id, self.worker_id, o.error):
                done.add(o.row_id)
            elif o.kind == DEAD:
                if o.account_id is not None:  # the person blocked the bot or left
                    table = ChannelAccount.__table__
                    session.execute(update(table).where(table.c.id == o.account_id)
                                    .values(unreachable=True))
                if mark_dead(session, o.row_id, self.worker_id, o.error):
                    done.add(o.row_id)
        for when, ids in held.items():
            done |= defer_many(session, ids, self.worker_id, when)
        return [o.kind if o.row_id in done else self._lost(o.row_id) for o in outcomes]

    def _settle(self, recorded: bool, outcome: str, row: OutboxMessage) -> str:
        return outcome if recorded else self._lost(row.id)

    def _lost(self, row_id: int) -> str:
        log.warning("outbox row %s: lease lost to another worker, outcome not recorded", row_id)
        return LOST


class Batcher(Generic[T, R]):
    """Runs items that arrive close together as one batch in a worker thread.

    While one batch runs the next items queue up: a slow, paced channel still has each outcome
    recorded right after its send, and a fast burst costs a few transactions, not one per row.
    """

    def __init__(self, run: Callable[[list[T]], list[R]]):
        self._run = run
        self._queue: list[tuple[T, asyncio.Future]] = []
        self._lock = asyncio.Lock()

    async def submit(self, item: T) -> R:
        """Process one item (with whatever else is queued now) and return its result."""
        future = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        async with self._lock:
            if not future.done():
                batch, self._queue = self._queue, []
                try:
                    results = await asyncio.to_thread(self._run, [i for i, _ in batch])
                except Exception as exc:  # noqa: BLE001  (every waiter gets the failure)
                    for _, waiting in batch:
                        waiting.set_exception(exc)
                else:
                    for (_, waiting), result in zip(batch, results):
                        waiting.set_result(result)
        return await future
