"""Push throughput: N pushes to N residents through the outbox, our limiter and a fake Bot API.

The fake answers 429 (retry_after) when requests come faster than its own limit, as Telegram does.
Our limiter is scaled up (300/s by default instead of 30/s) to keep the run short. SQLite in a
temporary directory. Prints JSON: achieved / permitted rate, pushes lost, duplicates, 429s.

    python bench/push_rate.py [--pushes 5000] [--rate 300]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402
from bot.handlers.telegram.lean_bot import LeanBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.clock import utcnow  # noqa: E402
from bot.messages import Choice, Reply  # noqa: E402
from bot.handlers.telegram.limits import Pace, TelegramLimiter  # noqa: E402
from bot.settings import Settings  # noqa: E402
from scheduler.outbox_worker import OutboxWorker, TickResult  # noqa: E402
from bot.app import build_worker
from bot.handlers.telegram.sender import TelegramSender  # noqa: E402
from store.db import Database  # noqa: E402
from store.models import ChannelAccount, OutboxMessage, Resident  # noqa: E402
from store.outbox import enqueue  # noqa: E402
from tests.fakes.telegram_api import FakeBotApi  # noqa: E402

FIRST_CHAT = 100_000


class LimitedBotApi(FakeBotApi):
    """The fake Bot API with a server-side flood limit on sendMessage."""

    def __init__(self, per_second: float, burst: float, **kwargs):
        super().__init__(**kwargs)
        self.pace = Pace(per_second, burst)
        self.refused = 0

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "sendMessage":
            now = time.monotonic()
            # Over the limit when the next free slot is further away than the burst allows.
            if self.pace.next_free - self.pace.tolerance > now:
                self.refused += 1
                return web.json_response(
                    {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                     "parameters": {"retry_after": 1}}, status=429)
            self.pace.reserve(now)
        return await super()._handle(request)


def fill(db: Database, pushes: int) -> None:
    due = utcnow() - timedelta(minutes=1)
    with db.session() as s:
        residents = [Resident(display_name=f"居民{n}") for n in range(pushes)]
        s.add_all(residents)
        s.flush()
        s.add_all([ChannelAccount(channel="telegram", external_id=str(FIRST_CHAT + n),
                                  resident_id=r.id) for n, r in enumerate(residents)])
        s.flush()
        for n, resident in enumerate(residents):
            reply = Reply(f"幸福社区通知 #{n}：周六上午广场舞比赛，欢迎报名。",
                          (Choice("报名", "menu"), Choice("帮助", "help")))
            enqueue(s, idem_key=f"notice:{n}", kind="notice", payload=reply.to_dict(), due_at=due,
                    resident_id=resident.id, urgent=True)


async def serve_fake(rate: float, conn) -> None:
    """Run the limited fake until told to stop, then report what it received."""
    # Telegram tolerates short bursts; the fake allows a fifth of a second's worth at once.
    api = LimitedBotApi(per_second=rate, burst=max(1.0, rate / 5))
    await api.start()
    conn.send((api.port, api.token))
    cpu = time.process_time()
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    chats = [c.params["chat_id"] for c in api.calls_of("sendMessage") if c.status == 200]
    await api.stop()
    conn.send((chats, api.refused, time.process_time() - cpu))


def fake_process(rate: float, conn) -> None:
    """Entry point of the process that plays Telegram (so it does not share our CPU)."""
    asyncio.run(serve_fake(rate, conn))


async def run(pushes: int, rate: float, batch: int, concurrency: int) -> dict:
    tmp = tempfile.TemporaryDirectory()
    db = Database(f"sqlite:///{tmp.name}/push_rate.db")
    db.create_all()
    fill(db, pushes)
    settings = Settings()
    settings = settings.model_copy(update={"scheduler": settings.scheduler.model_copy(
        update={"batch_size": batch})})
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=fake_process, args=(rate, theirs))
    server.start()
    port, token = ours.recv()
    base = f"http://127.0.0.1:{port}"
    limiter = TelegramLimiter(overall_per_second=rate, max_retries=1)
    # A bare Bot keeps one connection; the Application's bot (what serve uses) keeps 256.
    bot = LeanBot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot",
                 rate_limiter=limiter, request=HTTPXRequest(connection_pool_size=256))
    total, ticks = TickResult(), 0
    try:
        async with bot:
            worker = build_worker(db, settings, {"telegram": TelegramSender(bot)},
                                  concurrency=concurrency)
            started, cpu = time.perf_counter(), time.process_time()
            while total.sent + total.dead < pushes and ticks < 10 * pushes // batch + 10:
                total.add(await worker.tick())
                ticks += 1
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        ours.send("stop")
        chats, refused, fake_cpu = ours.recv()
        server.join(10)
    received = Counter(chats)
    with db.session() as s:
        statuses = dict(s.exec(select(OutboxMessage.status, func.count())
                               .group_by(OutboxMessage.status)).all())
    db.dispose()
    tmp.cleanup()
    expected = {FIRST_CHAT + n for n in range(pushes)}
    achieved = len(received) / elapsed
    return {
        "pushes": pushes,
        "permitted_per_second": rate,
        "achieved_per_second": round(achieved, 1),
        "ratio": round(achieved / rate, 3),
        "target_ratio": 0.9,
        "elapsed_seconds": round(elapsed, 2),
        "lost": len(expected - set(received)),
        "duplicates": sum(n - 1 for n in received.values() if n > 1),
        "server_429": refused,
        "outbox_status": statuses,
        "cpu_ms_per_push": round(cpu / pushes * 1000, 2),
        "process_cpu_share": round(cpu / elapsed, 2),  # of one core: near 1.0 means CPU-bound
        "fake_server_cpu_ms_per_push": round(fake_cpu / pushes * 1000, 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "ticks": ticks,
        "batch_size": batch,
        "concurrency": concurrency,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=100.0, help="our overall limit, messages/s")
    parser.add_argument("--batch", type=int, default=1000, help="rows claimed per tick")
    parser.add_argument("--concurrency", type=int, default=8, help="sends in flight per tick")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.pushes, args.rate, args.batch, args.concurrency)),
                     ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
