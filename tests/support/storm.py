"""A storm of Telegram updates through two `linli serve` workers while things break.

The scenario of the fault test and of bench/faults.py: a throwaway PostgreSQL server, two webhook
workers, a fake Bot API that fails some sends with 429 and 502, residents who each send one update
(half say /start, half press 确认报名 on a course with few seats), PostgreSQL restarted in the
middle, one worker killed with SIGKILL and started again. Updates are delivered the way Telegram
and a reverse proxy do: an answer other than 200 (or none) means the update is posted again,
to the next worker, after a pause.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text

from bot.clock import utcnow
from tests.fakes.telegram_api import FakeBotApi
from tests.support.catalog import add_course
from tests.support.pg_cluster import ThrowawayCluster
from tests.support.waiting import wait_until
from tests.support.workers import (Worker, kill_all, migrated_database, post_update, start_worker,
                                   stop_worker, wait_healthy)

COURSE = "HOT-01"
FIRST_USER = 700_000
# Short leases and fast sweeps, so that what a killed worker held is taken over within seconds;
# the replies' lease still longer than a worker on a loaded machine may stall between a turn's
# commit and its send (a stall past the lease is the other way a reply is sent twice).
WORKER_SETTINGS = dict(
    SCHEDULER__LEASE_SECONDS="20", SCHEDULER__BACKOFF_BASE_SECONDS="0.3", SCHEDULER__MAX_ATTEMPTS="40",
    INBOX__LEASE_SECONDS="5", INBOX__SWEEP_SECONDS="0.5", INBOX__RETRY_SECONDS="0.2",
    DATABASE__POOL_SIZE="4")


@dataclass
class StormPlan:
    """How big the storm is and when things break (fractions of the updates sent)."""

    updates: int = 300
    per_second: float = 10.0
    seats: int = 20
    failure_rate: float = 0.05     # share of sendMessage calls answered 429 or 502
    restart_db_at: float = 0.35    # PostgreSQL restarted after this share of updates was sent
    kill_at: float = 0.6           # one worker SIGKILLed after this share …
    revive_after_seconds: float = 2.0  # … and started again this much later
    reply_timeout: float = 90.0


@dataclass
class StormReport:
    """What the storm came to; lost and doubled are per update, each owed one reply."""

    updates: int = 0
    replies_owed: int = 0
    delivered: int = 0
    lost: int = 0
    doubled: int = 0
    answered_5xx: int = 0
    connection_failures: int = 0
    reposts: int = 0
    send_failures_injected: int = 0
    db_restarts: int = 0
    kills: int = 0
    seats_taken: int = 0
    seats: int = 0
    waiting: int = 0
    residents_enrolled_twice: int = 0
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out = asdict(self)
        out.update(out.pop("extra"))
        return out


class Deliverer:
    """Posts each update until a worker answers 200, as Telegram does behind a reverse proxy."""

    def __init__(self, workers: list[Worker]):
        self.workers = workers
        self.statuses: Counter = Counter()
        self.connection_failures = 0
        self.reposts = 0

    async def deliver(self, http: aiohttp.ClientSession, n: int, update: dict) -> None:
        """Post update n to worker n % 2, and on anything but 200 to the next one, until taken."""
        attempt = 0
        while True:
            worker = self.workers[(n + attempt) % len(self.workers)]
            try:
                status = await post_update(http, worker, update)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = 0
                self.connection_failures += 1
            self.statuses[status] += 1
            if status == 200:
                return
            attempt += 1
            self.reposts += 1
            await asyncio.sleep(min(2.0, 0.1 * attempt))


def count(cluster_db, sql: str) -> int:
    """One number from the storm's database."""
    with cluster_db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


async def run_storm(tmp_path: Path, plan: StormPlan | None = None) -> StormReport:
    """Run the whole scenario on a server of its own; the report of what reached the residents."""
    plan = plan or StormPlan()
    started = time.monotonic()
    cluster = ThrowawayCluster().start()
    db = migrated_database(cluster.url)
    add_course(db, COURSE, "老年智能手机入门", capacity=plan.seats, first_start=utcnow() + timedelta(days=3))
    report = StormReport(updates=plan.updates, seats=plan.seats)
    workers: list[Worker] = []
    try:
        async with FakeBotApi() as api:
            api.fail_randomly("sendMessage", plan.failure_rate)
            for name in ("worker-a", "worker-b"):
                workers.append(await start_worker(name, api, cluster.url, tmp_path, **WORKER_SETTINGS))
            await wait_healthy(workers)
            users = [FIRST_USER + n for n in range(plan.updates)]
            updates = [api.push_text(u, "/start", queue=False) if n % 2 == 0
                       else api.push_callback(u, 1, f"suy:{COURSE}", first_name=f"居民{u}", queue=False)
                       for n, u in enumerate(users)]
            await _storm(plan, api, cluster, workers, updates, report, tmp_path)
            try:
                await wait_until(lambda: all(api.sent_to(u) for u in users), plan.reply_timeout,
                                 what="every resident answered")
            except AssertionError:
                pass  # counted as lost below
            await asyncio.gather(*(stop_worker(w) for w in workers), return_exceptions=True)
            per_user = [len(api.sent_to(u)) for u in users]
            report.replies_owed = len(users)
            report.delivered = sum(1 for c in per_user if c)
            report.lost = sum(1 for c in per_user if c == 0)
            report.doubled = sum(c - 1 for c in per_user if c > 1)
            report.send_failures_injected = sum(1 for c in api.calls_of("sendMessage") if c.status != 200)
            texts = [m["text"] for u in users[1::2] for m in api.sent_to(u)[:1]]
            report.extra["replies_seat_taken"] = sum(t.startswith("报名成功") for t in texts)
        report.seats_taken = count(db, "SELECT count(*) FROM enrolment WHERE status = 'confirmed'")
        report.waiting = count(db, "SELECT count(*) FROM enrolment WHERE status = 'waiting'")
        report.residents_enrolled_twice = count(
            db, "SELECT count(*) FROM (SELECT resident_id FROM enrolment GROUP BY resident_id "
                "HAVING count(*) > 1) twice")
        report.extra["inbox_pending"] = count(db, "SELECT count(*) FROM inbound_update WHERE status <> 'done'")
        report.extra["inbox_taken_over"] = count(db, "SELECT count(*) FROM inbound_update WHERE attempts > 0")
    finally:
        await kill_all(workers)
        db.dispose()
        cluster.stop()
    report.seconds = round(time.monotonic() - started, 1)
    return report


async def _storm(plan: StormPlan, api: FakeBotApi, cluster: ThrowawayCluster, workers: list[Worker],
                 updates: list[dict], report: StormReport, log_dir: Path) -> None:
    deliverer = Deliverer(workers)
    restart_at, kill_at = int(plan.updates * plan.restart_db_at), int(plan.updates * plan.kill_at)
    side: list[asyncio.Task] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
        posts = []
        for n, update in enumerate(updates):
            if n == restart_at:
                side.append(asyncio.create_task(asyncio.to_thread(cluster.restart)))
            if n == kill_at:
                side.append(asyncio.create_task(_kill_and_revive(workers, 0, api, cluster, plan, report,
                                                                 log_dir)))
            posts.append(asyncio.create_task(deliverer.deliver(http, n, update)))
            await asyncio.sleep(1 / plan.per_second)
        await asyncio.gather(*posts, *side)
    report.db_restarts = cluster.restarts
    report.answered_5xx = sum(c for status, c in deliverer.statuses.items() if status >= 500)
    report.connection_failures = deliverer.connection_failures
    report.reposts = deliverer.reposts


async def _kill_and_revive(workers: list[Worker], index: int, api: FakeBotApi, cluster: ThrowawayCluster,
                           plan: StormPlan, report: StormReport, log_dir: Path) -> None:
    victim = workers[index]
    victim.proc.kill()
    await victim.proc.wait()
    report.kills += 1
    await asyncio.sleep(plan.revive_after_seconds)
    revived = await start_worker(f"{victim.name}-again", api, cluster.url, log_dir, **WORKER_SETTINGS)
    await wait_healthy([revived])
    workers[index] = revived


def print_report(report: StormReport) -> None:
    """The report as one JSON line."""
    print(json.dumps(report.as_dict(), ensure_ascii=False))
