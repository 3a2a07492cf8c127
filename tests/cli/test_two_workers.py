"""Two real `linli serve` workers on one PostgreSQL schema, fed through the Telegram webhook.

400 residents press 确认报名 for a 20-seat course; half of the presses reach both workers (as
when Telegram delivers an update again). Each press must be handled once, wherever it landed.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import text

from bot.clock import utcnow
from store.db import Database
from tests.fakes.telegram_api import FakeBotApi
from tests.support.catalog import add_course
from tests.support.databases import PostgresSchema, postgres_base_url
from tests.support.workers import (SECRET, kill_all, migrated_database, post_update, start_worker,
                                   stop_worker, wait_healthy)

RESIDENTS = 400
SEATS = 20
COURSE = "HOT-01"
FIRST_USER = 900_000


@pytest.fixture
def schema():
    """A private schema with the tables and one course of SEATS seats."""
    pg = PostgresSchema(postgres_base_url())
    db = migrated_database(pg.url)
    add_course(db, COURSE, "老年智能手机入门", capacity=SEATS, first_start=utcnow() + timedelta(days=3))
    yield pg, db
    db.dispose()
    pg.drop()


def count(db: Database, sql: str) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


async def spray(api, workers, updates, doubled: set[int]) -> list[int]:
    """POST every update to one worker in turn, and those in `doubled` to both at once."""
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as http:
        gate = asyncio.Semaphore(64)

        async def deliver(n: int, update: dict) -> list[int]:
            targets = workers if n in doubled else [workers[n % len(workers)]]
            async with gate:
                return list(await asyncio.gather(*(post_update(http, w, update, api=api) for w in targets)))

        results = await asyncio.gather(*(deliver(n, u) for n, u in enumerate(updates)))
    return [status for statuses in results for status in statuses]


async def test_two_workers_share_a_sign_up_storm_without_doing_anything_twice(schema, tmp_path):
    pg, db = schema
    async with FakeBotApi() as api:
        workers = []
        try:
            for name in ("worker-a", "worker-b"):
                workers.append(await start_worker(
                    name, api, pg.url, tmp_path,
                    TELEGRAM__WEBHOOK_URL="https://bot.example.org/telegram/webhook"))
            await wait_healthy(workers)
            assert api.webhook["secret_token"] == SECRET  # each worker registered the webhook

            users = [FIRST_USER + n for n in range(RESIDENTS)]
            presses = [api.push_callback(u, 1, f"suy:{COURSE}", first_name=f"居民{u}", queue=False)
                       for u in users]
            statuses = await spray(api, workers, presses, doubled=set(range(0, RESIDENTS, 2)))
            assert statuses == [200] * (RESIDENTS + RESIDENTS // 2)

            try:
                await api.wait_until(lambda: len(api.sent) >= RESIDENTS and not api.unanswered_callbacks,
                                     timeout=150)
            except AssertionError:
                raise AssertionError(f"{len(api.sent)} replies, {len(api.unanswered_callbacks)} "
                                     f"unanswered\n" + "\n".join(w.tail() for w in workers)) from None

            # A press with the wrong secret changes nothing, on either worker.
            intruder = api.push_callback(FIRST_USER + RESIDENTS, 1, f"suy:{COURSE}", queue=False)
            async with aiohttp.ClientSession() as http:
                for worker in workers:
                    assert await post_update(http, worker, intruder, secret="guess") == 403

            # SIGTERM: each worker finishes what it holds, then exits cleanly.
            codes = await asyncio.gather(*(stop_worker(w) for w in workers))
            assert codes == [0, 0], "\n".join(w.tail() for w in workers)
        finally:
            await kill_all(workers)

    assert count(db, "SELECT count(*) FROM enrolment WHERE status = 'confirmed'") == SEATS
    assert count(db, "SELECT count(*) FROM enrolment WHERE status = 'waiting'") == RESIDENTS - SEATS
    assert count(db, "SELECT count(DISTINCT resident_id) FROM enrolment") == RESIDENTS  # one place each
    # Each update kept once and handled once: the turn that marked its inbox row done claimed it.
    assert count(db, "SELECT count(*) FROM inbound_update WHERE channel = 'telegram' AND status = 'done'") \
        == RESIDENTS
    assert count(db, "SELECT count(DISTINCT update_key) FROM inbound_update") == RESIDENTS
    assert count(db, "SELECT count(*) FROM inbound_update WHERE update_key = "
                     f"'{intruder['update_id']}'") == 0

    answers = Counter(c.params["callback_query_id"] for c in api.calls_of("answerCallbackQuery"))
    assert set(answers) == {p["callback_query"]["id"] for p in presses}
    assert set(answers.values()) == {1}  # every press answered, none twice
    replies = {u: [m["text"] for m in api.sent_to(u)] for u in users}
    assert {len(texts) for texts in replies.values()} == {1}  # one reply per resident
    texts = [texts[0] for texts in replies.values()]
    assert sum(t.startswith("报名成功") for t in texts) == SEATS
    assert sum("候补" in t for t in texts) == RESIDENTS - SEATS
    assert api.sent_to(FIRST_USER + RESIDENTS) == []
