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
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from bot.clock import SystemClock
from bot.dialogs.replies import Reply
from bot.settings import Settings
from scheduler.quiet_hours import next_allowed
from scheduler.senders import FATAL, RETRY, UNREACHABLE, Sender, SendError
from store.db import Database
from store.models import ChannelAccount, DialogState, OutboxMessage
from store.outbox_claims import (claim_due, defer, mark_dead, mark_retry, mark_sent, mark_skipped,
                                 release)

log = logging.getLogger("linli.outbox")

SENT, RETRIED, DEAD, DEFERRED, SKIPPED, LOST, RELEASED = (
    "sent", "retried", "dead", "deferred", "skipped", "lost", "released")


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


def default_worker_id() -> str:
    """Host, process and a random part: unique for every worker object."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class OutboxWorker:
    """Sends due outbox rows through the sender of each recipient's channel."""

    def __init__(self, db: Database, settings: Settings, senders: dict[str, Sender],
                 clock: Any = None, worker_id: str | None = None, concurrency: int = 16):
        self.db = db
        self.settings = settings
        self.senders = senders
        self.clock = clock or SystemClock()
        self.worker_id = worker_id or default_worker_id()
        self.concurrency = max(1, concurrency)
        self.last_tick_at: datetime | None = None  # end of the last tick that completed
        self._waiting: set[int] = set()  # claimed and not yet started
        self._ticking = 0
        self._writer = GroupWriter(db)
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
        try:
            return await self._tick()
        finally:
            self._ticking -= 1
            if not self._ticking:
                self._idle.set()

    async def _tick(self) -> TickResult:
        sch = self.settings.scheduler
        now = self.clock.now()
        rows = await asyncio.to_thread(claim_due, self.db, now, sch.batch_size, sch.lease_seconds,
                                       self.worker_id)
        result = TickResult(claimed=len(rows))
        if self._stopping:  # shutdown began while we were claiming
            await asyncio.to_thread(release, self.db, [row.id for row in rows], self.worker_id)
            result.released = len(rows)
            return result
        allowed = {row.id: next_allowed(now, self.settings, row.urgent) for row in rows}
        held = [row for row in rows if allowed[row.id] > now]  # quiet hours: back until morning
        ready = [row for row in rows if allowed[row.id] <= now]
        work = [self._record(defer, row.id, allowed[row.id], outcome=DEFERRED) for row in held]
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
            return await self._writer.write(self._sent(row, plan))

        work += [one(row, plans[row.id]) for row in ready]
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

    def _prepare_all(self, rows: list[OutboxMessage], now: datetime) -> dict[int, _Plan | SendError | str]:
        """Recipient and reply of every row in one transaction; rows with nothing to send are settled."""
        with self.db.session() as session:
            recipients = self._recipients(session, rows)
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
                    from bot.dialogs.push_render import render_push  # resident-facing texts
                    reply = render_push(session, self.settings, row, account, now)
            except Exception as exc:  # noqa: BLE001  (a rendering bug must not stop the tick)
                log.exception("outbox row %s (%s) could not be rendered", row.id, row.kind)
                return SendError(RETRY, f"render failed: {exc!r}")
            if reply is None:
                return self._settle(mark_skipped(session, row.id, self.worker_id, "obsolete"),
                                    SKIPPED, row)
        return _Plan(account.id, account.channel, account.external_id, reply)

    def _recipients(self, session: Session, rows: list[OutboxMessage]) -> dict[int, ChannelAccount | None]:
        """Per row: its own account if reachable, else its resident's most recently seen reachable one."""
        named_ids = {row.account_id for row in rows if row.account_id is not None}
        named = {a.id: a for a in session.exec(
            select(ChannelAccount).where(ChannelAccount.id.in_(named_ids)))} if named_ids else {}

        def resident_of(row: OutboxMessage) -> int | None:
            account = named.get(row.account_id)
            return row.resident_id or (account.resident_id if account is not None else None)

        resident_ids = {resident_of(row) for row in rows} - {None}
        reachable: dict[int, list[ChannelAccount]] = defaultdict(list)
        if resident_ids:
            for account in session.exec(
                    select(ChannelAccount)
                    .where(ChannelAccount.resident_id.in_(resident_ids),
                           ChannelAccount.unreachable == False)  # noqa: E712
                    .order_by(ChannelAccount.last_seen_at.desc(), ChannelAccount.id.desc())):
                reachable[account.resident_id].append(account)
        chosen: dict[int, ChannelAccount | None] = {}
        for row in rows:
            own = named.get(row.account_id)
            candidates = [own] if own is not None and not own.unreachable else []
            candidates += reachable.get(resident_of(row), [])
            chosen[row.id] = next((a for a in candidates if a.channel in self.senders), None)
        return chosen

    async def _send(self, plan: _Plan) -> SendError | None:
        """Hand the reply to the channel; the failure, if any."""
        try:
            await self.senders[plan.channel].send(plan.external_id, plan.reply)
        except SendError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001
            log.exception("outbox: sender %s failed", plan.channel)
            return SendError(RETRY, repr(exc))
        return None

    async def _failed(self, row: OutboxMessage, plan: _Plan | None, exc: SendError) -> str:
        error = str(exc)[:400]
        if exc.kind == UNREACHABLE and plan is not None:
            return await self._writer.write(self._unreachable(row, plan, error))
        if exc.kind == RETRY:
            sch = self.settings.scheduler
            if row.attempts >= sch.max_attempts:
                return await self._record(mark_dead, row.id,
                                          f"gave up after {row.attempts} attempts: {error}",
                                          outcome=DEAD)
            return await self._record(mark_retry, row.id, error,
                                      self.clock.now() + self.retry_delay(row.attempts, exc.retry_after),
                                      outcome=RETRIED)
        return await self._record(mark_dead, row.id, error, outcome=DEAD)

    def retry_delay(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Exponential backoff after the n-th attempt, or the channel's wait if that is longer."""
        delay = self.settings.scheduler.backoff_base_seconds * 2 ** max(0, attempts - 1)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return timedelta(seconds=delay)

    # -- recording outcomes -------------------------------------------------------------------

    async def _record(self, mark, row_id: int, *args: Any, outcome: str) -> str:
        def change(session: Session) -> str:
            return outcome if mark(session, row_id, self.worker_id, *args) else self._lost(row_id)
        return await self._writer.write(change)

    def _sent(self, row: OutboxMessage, plan: _Plan) -> Callable[[Session], str]:
        def change(session: Session) -> str:
            from bot.dialogs.engine import remember_choices
            from store.dialog_state import load_state, save_state
            if not mark_sent(session, row.id, self.worker_id, self.clock.now()):
                return self._lost(row.id)
            if plan.reply.choices:  # a typed number now answers this push
                # Lock the state row, so a turn of the dialog running now does not interleave.
                session.get(DialogState, plan.account_id, with_for_update=True)
                expect, data = load_state(session, plan.account_id)
                remember_choices(data, [plan.reply])
                save_state(session, plan.account_id, expect, data)
            return SENT
        return change

    def _unreachable(self, row: OutboxMessage, plan: _Plan, error: str) -> Callable[[Session], str]:
        def change(session: Session) -> str:
            account = session.get(ChannelAccount, plan.account_id)
            if account is not None and not account.unreachable:
                account.unreachable = True
                session.add(account)
            ok = mark_dead(session, row.id, self.worker_id, f"unreachable: {error}")
            return self._settle(ok, DEAD, row)
        return change

    def _settle(self, recorded: bool, outcome: str, row: OutboxMessage) -> str:
        return outcome if recorded else self._lost(row.id)

    def _lost(self, row_id: int) -> str:
        log.warning("outbox row %s: lease lost to another worker, outcome not recorded", row_id)
        return LOST


class GroupWriter:
    """Writes outcomes that finish close together in one transaction: one commit for many rows.

    While one batch is being written the next ones queue up, so a slow, paced channel still gets
    each outcome recorded right after its send, and a fast burst costs a few commits, not one each.
    """

    def __init__(self, db: Database):
        self.db = db
        self._queue: list[tuple[Callable[[Session], str], asyncio.Future]] = []
        self._lock = asyncio.Lock()

    async def write(self, change: Callable[[Session], str]) -> str:
        """Apply one change (with the others queued now) and return its result."""
        future = asyncio.get_running_loop().create_future()
        self._queue.append((change, future))
        async with self._lock:
            if not future.done():
                batch, self._queue = self._queue, []
                try:
                    results = await asyncio.to_thread(self._write_all, [c for c, _ in batch])
                except Exception as exc:  # noqa: BLE001  (every waiter gets the failure)
                    for _, waiting in batch:
                        waiting.set_exception(exc)
                else:
                    for (_, waiting), result in zip(batch, results):
                        waiting.set_result(result)
        return await future

    def _write_all(self, changes: list[Callable[[Session], str]]) -> list[str]:
        try:
            with self.db.session() as session:
                return [change(session) for change in changes]
        except Exception:  # noqa: BLE001
            if len(changes) == 1:
                raise
        # One change failed and took the batch with it: write them one by one.
        results = []
        for change in changes:
            try:
                with self.db.session() as session:
                    results.append(change(session))
            except Exception:  # noqa: BLE001
                log.exception("outbox outcome could not be recorded")
                results.append(LOST)
        return results
