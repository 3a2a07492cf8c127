"""`linli serve` wires the web chat, Telegram polling and the outbox tick into one process."""
from __future__ import annotations

import asyncio
import signal
from datetime import timedelta

import aiohttp
from pydantic import SecretStr

from bot.clock import utcnow
from bot.messages import Reply
from bot.serve import run
from store.db import Database
from store.outbox import enqueue
from store.people import get_or_create_account
from tests.fakes.telegram_api import FakeBotApi
from tests.support.catalog import add_course
from tests.support.waiting import wait_until
from tests.support.workers import free_port, kill_all, migrated_database, start_serve, telegram_on


def serve_settings(settings, tmp_path, api: FakeBotApi, port: int):
    """Shipped settings on a temporary database, the fake Bot API and a fast tick."""
    return settings.model_copy(update={
        "database": settings.database.model_copy(update={"url": f"sqlite:///{tmp_path / 'serve.db'}"}),
        "general": settings.general.model_copy(update={"demo_on_empty": False}),
        "telegram": settings.telegram.model_copy(update={
            "token": SecretStr(api.token), "base_url": api.base_url, "base_file_url": api.base_file_url}),
        "web": settings.web.model_copy(update={"port": port}),
        "scheduler": settings.scheduler.model_copy(update={"tick_seconds": 0.2, "quiet_start": "00:00",
                                                           "quiet_end": "00:00"}),
    })


async def test_serve_answers_telegram_and_web_and_delivers_pushes(settings, tmp_path):
    async with FakeBotApi() as api:
        port = free_port()
        conf = serve_settings(settings, tmp_path, api, port)
        db = Database(conf.database.url)
        db.create_all()
        add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=utcnow() + timedelta(days=2))
        with db.session() as s:
            account, _ = get_or_create_account(s, "telegram", "4242")
            enqueue(s, idem_key="test:push", kind="notice", payload=Reply("社区通知：明天停水。").to_dict(),
                    due_at=utcnow() - timedelta(seconds=1), account_id=account.id, urgent=True)
        stop = asyncio.Event()
        server = asyncio.create_task(run(conf, stop))
        try:
            await api.wait_until(lambda: any("停水" in m.get("text", "") for m in api.sent_to(4242)), timeout=20)
            api.push_text(7001, "/start")
            await api.wait_for_messages(7001, 1, timeout=20)
            assert "欢迎" in api.sent_to(7001)[0]["text"]
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/") as page:
                    assert page.status == 200 and "text/html" in page.headers["Content-Type"]
        finally:
            stop.set()
            await asyncio.wait_for(server, 30)
        db.dispose()


async def test_a_stop_signal_while_a_channel_starts_lets_serve_finish_starting_then_stop_cleanly(tmp_path):
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    migrated_database(url).dispose()
    async with FakeBotApi() as api:
        api.hold("getMe")  # Telegram is slow to answer while serve starts
        worker = await start_serve("slow-start", url, tmp_path, **telegram_on(api, mode="polling"))
        try:
            await api.wait_until(lambda: api.held >= 1, timeout=60)
            worker.proc.send_signal(signal.SIGTERM)  # e.g. a deploy restarting it right now
            await wait_until(lambda: "SIGTERM received" in worker.log_path.read_text() or worker.proc.returncode is not None,
                             30, what=worker.tail)
            api.release("getMe")
            assert await asyncio.wait_for(worker.proc.wait(), 30) == 0, worker.tail()
        finally:
            await kill_all([worker])
    assert "stopped; released 0 claimed pushes" in worker.tail()


async def test_a_channel_that_cannot_start_stops_serve_with_an_error_and_no_secret_in_the_log(tmp_path):
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    migrated_database(url).dispose()
    async with FakeBotApi() as api:
        revoked = "123456:revoked-token-from-botfather"
        worker = await start_serve("bad-token", url, tmp_path,
                                   **{**telegram_on(api, mode="polling"), "TELEGRAM__TOKEN": revoked})
        try:
            assert await asyncio.wait_for(worker.proc.wait(), 60) == 1, worker.tail()
        finally:
            await kill_all([worker])
    log = worker.log_path.read_text()
    assert "linli serve stopped by an error" in log and "InvalidToken" in log
    assert "stopped; released 0 claimed pushes" in log  # the web server that did start was stopped
    assert revoked not in log
