"""/healthz: 200 while the database answers and the outbox tick is recent, 503 naming what failed."""
from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.health import STARTUP_GRACE_SECONDS, STALE_TICKS, setup_ops_routes
from bot.app import build_worker
from store.db import Database

UNREACHABLE_URL = "postgresql://postgres@127.0.0.1:1/nothing"


async def health_of(client: TestClient) -> tuple[int, dict]:
    resp = await client.get("/healthz")
    assert resp.headers["Cache-Control"] == "no-store"
    return resp.status, await resp.json()


async def ops_only_client(db, worker, settings, **kwargs) -> TestClient:
    app = web.Application()
    setup_ops_routes(app, db, worker, settings, **kwargs)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


def stale_after(settings) -> float:
    return STALE_TICKS * settings.scheduler.tick_seconds


async def test_healthy_after_a_tick(ops_client, ops_worker, clock):
    await ops_worker.tick()
    clock.advance(seconds=2)
    assert await health_of(ops_client) == (200, {"database": "ok", "scheduler": "ok",
                                                 "last_tick_seconds": 2.0})


async def test_healthy_at_start_before_the_first_tick(ops_client):
    assert await health_of(ops_client) == (200, {"database": "ok", "scheduler": "ok",
                                                 "last_tick_seconds": None})


async def test_database_answers_on_both_engines(db, settings, clock):
    worker = build_worker(db, settings, {}, clock=clock)
    await worker.tick()
    client = await ops_only_client(db, worker, settings)
    try:
        status, body = await health_of(client)
    finally:
        await client.close()
    assert status == 200 and body["database"] == "ok"


async def test_unreachable_database_is_503(sqlite_db, settings, clock):
    worker = build_worker(sqlite_db, settings, {}, clock=clock)
    await worker.tick()
    broken = Database(UNREACHABLE_URL)
    client = await ops_only_client(broken, worker, settings)
    try:
        status, body = await health_of(client)
    finally:
        await client.close()
        broken.dispose()
    assert status == 503
    assert body["database"] == "error: OperationalError"
    assert body["scheduler"] == "ok"
    assert "127.0.0.1" not in str(body)  # the URL stays out of the answer


async def test_stale_tick_is_503(ops_client, ops_worker, clock, settings):
    await ops_worker.tick()
    clock.advance(seconds=stale_after(settings))
    assert (await health_of(ops_client))[0] == 200
    clock.advance(seconds=1)
    assert await health_of(ops_client) == (503, {"database": "ok", "scheduler": "stale",
                                                 "last_tick_seconds": stale_after(settings) + 1})


async def test_no_tick_after_the_start_up_grace_is_503(ops_client, clock, settings):
    clock.advance(seconds=stale_after(settings) + STARTUP_GRACE_SECONDS + 1)
    status, body = await health_of(ops_client)
    assert status == 503 and body["scheduler"] == "no tick yet"


async def test_a_long_tick_under_way_gets_a_lease_of_time(ops_client, ops_worker, clock, settings,
                                                           telegram_sender, add_push):
    await ops_worker.tick()
    add_push(ops_worker.db, "slow", "telegram", "501", clock.now())
    telegram_sender.hold.add("501")
    tick = asyncio.create_task(ops_worker.tick())
    await telegram_sender.holding.wait()
    clock.advance(seconds=stale_after(settings) + 1)
    ticking = await health_of(ops_client)
    clock.advance(seconds=settings.scheduler.lease_seconds)
    stuck = await health_of(ops_client)
    telegram_sender.release.set()
    await tick
    assert ticking[0] == 200 and ticking[1]["scheduler"] == "ok"
    assert stuck[0] == 503 and stuck[1]["scheduler"] == "stale"
    assert (await health_of(ops_client))[0] == 200  # the tick finished just now


async def test_without_a_worker_only_the_database_counts(sqlite_db, settings):
    client = await ops_only_client(sqlite_db, None, settings)
    try:
        assert await health_of(client) == (200, {"database": "ok", "scheduler": "off",
                                                 "last_tick_seconds": None})
    finally:
        await client.close()


async def test_stopping_worker_is_503(ops_client, ops_worker):
    await ops_worker.tick()
    await ops_worker.release_claimed()
    status, body = await health_of(ops_client)
    assert status == 503 and body["scheduler"] == "stopping"

