"""Rate limits of the web chat: per session and per address, in one worker's memory."""
from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.dialogs.engine import Dialogs
from bot.settings import Web
from bot.handlers.web.limits import SlidingWindow
from bot.app import build_service
from tests.web.conftest import message_id, new_session


class LimitedWeb(Web):
    rate_per_session: int = 3
    rate_per_address: int = 5
    rate_window_seconds: float = 10.0
    trust_forwarded: bool = False


def limited_client(sqlite_db, settings, clock, **web) -> TestClient:
    limited = settings.model_copy(update={"web": LimitedWeb(**web)})
    return TestClient(TestServer(build_service(limited, dialogs=Dialogs(sqlite_db, limited, clock)).web_app))


async def send(client, text="帮助", headers=None) -> tuple[int, dict]:
    resp = await client.post("/api/message", json={"id": message_id(), "text": text}, headers=headers)
    return resp.status, await resp.json()


async def test_one_session_sending_too_fast_gets_429_in_chinese(sqlite_db, settings, clock):
    async with limited_client(sqlite_db, settings, clock) as client:
        await new_session(client)
        assert [(await send(client))[0] for _ in range(3)] == [200, 200, 200]
        status, data = await send(client)
        assert status == 429
        assert data == {"error": "您发得太快了，请休息几秒再试。"}
        # A new session from the same address still gets through (up to the address limit).
        await new_session(client)
        assert (await send(client))[0] == 200


async def test_one_address_is_limited_across_sessions(sqlite_db, settings, clock):
    async with limited_client(sqlite_db, settings, clock) as client:
        statuses = []
        for _ in range(6):
            await new_session(client)  # a fresh cookie each time does not help
            statuses.append((await send(client))[0])
        assert statuses == [200] * 5 + [429]
        # A made-up X-Forwarded-For is ignored unless the proxy is trusted.
        status, _ = await send(client, headers={"X-Forwarded-For": "203.0.113.9"})
        assert status == 429


async def test_a_trusted_proxy_address_is_used(sqlite_db, settings, clock):
    async with limited_client(sqlite_db, settings, clock, trust_forwarded=True) as client:
        for n in range(5):
            await new_session(client)
            assert (await send(client, headers={"X-Forwarded-For": "203.0.113.9"}))[0] == 200
        await new_session(client)
        assert (await send(client, headers={"X-Forwarded-For": "203.0.113.9"}))[0] == 429
        assert (await send(client, headers={"X-Forwarded-For": "spoofed, 203.0.113.10"}))[0] == 200


async def test_history_reads_do_not_use_up_the_message_allowance(sqlite_db, settings, clock):
    async with limited_client(sqlite_db, settings, clock) as client:
        await new_session(client)
        for _ in range(10):
            assert (await client.get("/api/history")).status == 200
        assert (await send(client))[0] == 200


def test_sliding_window_forgets_old_events():
    now = [0.0]
    window = SlidingWindow(2, 10.0, clock=lambda: now[0], max_keys=3)
    assert window.allow("a") and window.allow("a") and not window.allow("a")
    assert 9.9 < window.retry_after("a") <= 10.0
    now[0] = 10.5
    assert window.allow("a")
    for key in ("b", "c", "d", "e"):
        window.allow(key)
    assert len(window._events) <= 3  # bounded memory
