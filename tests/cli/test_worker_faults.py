"""Real workers when Telegram misbehaves or a worker dies: replies come late, but they all come once."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
import pytest
from sqlmodel import select

from bot.clock import utcnow
from bot.messages import Reply
from store.db import Database
from store.models import OutboxMessage
from store.models.outbox import SENDING, SENT
from store.outbox import enqueue
from store.people import get_or_create_account
from tests.fakes.telegram_api import FakeBotApi
from tests.support.databases import PostgresSchema, postgres_base_url
from tests.support.workers import (kill_all, migrated_database, post_update, start_worker, stop_worker,
                                   wait_healthy)

FIRST_USER = 800_000


@pytest.fixture
def schema():
    """A private schema with every table."""
    pg = PostgresSchema(postgres_base_url())
    db = migrated_database(pg.url)
    yield pg, db
    db.dispose()
    pg.drop()


def outbox_rows(db: Database, kind: str) -> list[OutboxMessage]:
    with db.session() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)
                           .order_by(OutboxMessage.id)))


async def test_replies_held_up_by_429_and_502_arrive_late_and_once(schema, tmp_path):
    pg, db = schema
    residents = [FIRST_USER + n for n in range(30)]
    async with FakeBotApi() as api:
        workers = []
        try:
            for name in ("worker-a", "worker-b"):
                workers.append(await start_worker(
                    name, api, pg.url, tmp_path, SCHEDULER__BACKOFF_BASE_SECONDS="0.3",
                    SCHEDULER__MAX_ATTEMPTS="30"))
            await wait_healthy(workers)
            # Telegram first asks to slow down, then its front end fails for a while.
            api.fail_next("sendMessage", 4, status=429, retry_after=1)
            api.fail_next("sendMessage", 40, status=502)
            async with aiohttp.ClientSession() as http:
                statuses = await asyncio.gather(*(
                    post_update(http, workers[n % 2], api.push_text(user, "/start", queue=False))
                    for n, user in enumerate(residents)))
            assert statuses == [200] * len(residents)
            try:
                await api.wait_until(lambda: all(api.sent_to(u) for u in residents), timeout=120)
            except AssertionError:
                raise AssertionError("\n".join(w.tail() for w in workers)) from None
            codes = await asyncio.gather(*(stop_worker(w) for w in workers))
            assert codes == [0, 0], "\n".join(w.tail() for w in workers)
        finally:
            await kill_all(workers)

    failed = [c.status for c in api.calls_of("sendMessage") if c.status != 200]
    assert failed.count(429) == 4 and failed.count(502) == 40  # every failure was met
    assert all(len(api.sent_to(u)) == 1 for u in residents)  # each greeting came, and only once
    assert all("欢迎" in api.sent_to(u)[0]["text"] for u in residents)
    queued = outbox_rows(db, "reply")
    assert queued and all(row.status == SENT for row in queued)  # late ones went by the outbox


async def test_pushes_claimed_by_a_killed_worker_are_sent_by_the_other_after_the_lease(schema, tmp_path):
    pg, db = schema
    residents = [FIRST_USER + n for n in range(20)]
    with db.session() as s:
        for n, user in enumerate(residents):
            account, _ = get_or_create_account(s, "telegram", str(user))
            enqueue(s, idem_key=f"notice:test:{n}", kind="notice", payload=Reply(f"社区通知 {n}").to_dict(),
                    due_at=utcnow() - timedelta(seconds=1), account_id=account.id, urgent=True)
    async with FakeBotApi() as api:
        workers = []
        try:
            api.hold("sendMessage")  # Telegram is slow: the first worker's sends hang
            first = await start_worker("worker-a", api, pg.url, tmp_path, SCHEDULER__LEASE_SECONDS="3")
            workers.append(first)
            await wait_healthy([first])
            await api.wait_until(lambda: api.held >= 1, timeout=60)
            claimed = outbox_rows(db, "notice")
            assert {row.status for row in claimed} == {SENDING}
            assert all(f":{first.proc.pid}:" in row.claimed_by for row in claimed)

            first.proc.kill()  # mid-tick, with sends in flight and rows claimed
            assert await first.proc.wait() == -9
            await api.wait_until(lambda: api.held == 0, timeout=10)  # its requests died with it
            api.release("sendMessage")

            second = await start_worker("worker-b", api, pg.url, tmp_path, SCHEDULER__LEASE_SECONDS="3")
            workers.append(second)
            await wait_healthy([second])
            try:
                await api.wait_until(lambda: all(api.sent_to(u) for u in residents), timeout=60)
            except AssertionError:
                raise AssertionError(second.tail()) from None
            assert await stop_worker(second) == 0, second.tail()
        finally:
            await kill_all(workers)

    assert all(len(api.sent_to(u)) == 1 for u in residents)
    leases = {row.id: row.lease_until for row in claimed}
    for row in outbox_rows(db, "notice"):
        assert row.status == SENT and f":{second.proc.pid}:" in row.claimed_by
        assert row.sent_at >= leases[row.id]  # taken over only once the lease ran out
