"""Fixtures of the operations tests: a worker with a scripted sender, the web app with ops routes."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.messages import Reply
from bot.health import setup_ops_routes
from bot.handlers.web.server import build_web_app
from bot.app import build_worker
from scheduler.senders import SendError


class ScriptedSender:
    """Delivers to anyone, except recipients given a failure; can hold a recipient until released."""

    def __init__(self, channel: str):
        self.channel = channel
        self.delivered: list[tuple[str, Reply]] = []
        self.failures: dict[str, SendError] = {}
        self.hold: set[str] = set()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, external_id: str, reply: Reply) -> None:
        if external_id in self.failures:
            raise self.failures[external_id]
        if external_id in self.hold:
            self.holding.set()
            await self.release.wait()
        self.delivered.append((external_id, reply))


@pytest.fixture
def telegram_sender():
    """The fake sender of the telegram channel."""
    return ScriptedSender("telegram")


@pytest.fixture
def ops_worker(sqlite_db, settings, clock, telegram_sender):
    """An outbox worker on the test clock, with the fake telegram sender."""
    return build_worker(sqlite_db, settings, {"telegram": telegram_sender}, clock=clock)


@pytest.fixture
async def ops_client(dialogs, settings, ops_worker):
    """An HTTP client on the web app built as serve builds it (ops routes included)."""
    app = build_web_app([], ops=lambda a: setup_ops_routes(a, dialogs.db, ops_worker, settings))
    client = TestClient(TestServer(app))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
def add_push():
    """A function adding an urgent push to a channel account (made when missing)."""
    from store.outbox import enqueue
    from store.people import get_or_create_account

    def add(db, key: str, channel: str, external_id: str, due_at) -> None:
        with db.session() as s:
            account, _ = get_or_create_account(s, channel, external_id)
            enqueue(s, idem_key=key, kind="notice", payload=Reply(f"通知 {key}").to_dict(),
                    due_at=due_at, account_id=account.id, urgent=True)
    return add
