"""Shared send limits: 1 and 2 worker processes drain one outbox backlog at Telegram's real limits.

Each worker process builds the Telegram channel's Bot as `linli serve` does (build_application:
its limiter books the shared send_pace buckets) and ticks the outbox through the service's
TelegramSender until the backlog is gone. The fake Bot API runs in its own process and records
the arrival time of every message. Prints JSON per database: the combined rate / the limit
(judged: ≥ 0.9), the most messages in any 1-second window (Telegram's 30 plus the limiter's
burst of 3 at most), CPU per send with the shared limiter and with the in-process one alone,
and CPU per reservation.

    LINLI_TEST_DATABASE_URL=postgresql://... python bench/send_limits.py [--pushes 600] [--rate 30]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import load_settings  # noqa: E402
from tests.support.send_windows import achieved_rate, backlog, most_in_any_window  # noqa: E402

FIRST_CHAT = 200_000
RESERVATIONS = 2000


def settings_for(url: str, port: int, rate: float):
    """The shipped settings on the bench database, Telegram on the fake at the given limit."""
    from tests.support.databases import TEST_PHONE_KEY
    return load_settings({
        "LINLI_CONFIG": str(ROOT / "settings.toml"), "LINLI_DATABASE__URL": url,
        "LINLI_PRIVACY__PHONE_KEY": TEST_PHONE_KEY,
        "LINLI_DATABASE__POOL_SIZE": "4", "LINLI_GENERAL__DEMO_ON_EMPTY": "false",
        "LINLI_TELEGRAM__TOKEN": "123456:TEST-TOKEN",
        "LINLI_TELEGRAM__BASE_URL": f"http://127.0.0.1:{port}/bot",
        "LINLI_TELEGRAM__BASE_FILE_URL": f"http://127.0.0.1:{port}/file/bot",
        "LINLI_TELEGRAM__RATE_OVERALL_PER_SECOND": str(rate),
        "LINLI_SCHEDULER__BATCH_SIZE": "20", "LINLI_SCHEDULER__QUIET_START": "00:00",
        "LINLI_SCHEDULER__QUIET_END": "00:00"})


# -- the fake Bot API, in its own process ----------------------------------------------------------

async def _serve_fake(conn) -> None:
    from tests.fakes.telegram_api import FakeBotApi
    api = await FakeBotApi().start()
    conn.send(api.port)
    while True:
        command = await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        if command == "stop":
            break
        times = [c.at for c in api.calls if c.method == "sendMessage" and c.status == 200]
        api.calls.clear()
        conn.send(times)
    await api.stop()


def fake_process(conn) -> None:
    """Entry point of the process that plays Telegram."""
    asyncio.run(_serve_fake(conn))


# -- one worker process ---------------------------------------------------------------------------

async def _drain(url: str, port: int, rate: float, shared: bool, start, conn) -> None:
    from bot.app import build_dialogs, build_worker
    from bot.handlers.telegram.adapter import build_application
    from bot.handlers.telegram.sender import TelegramSender
    settings = settings_for(url, port, rate)
    dialogs = build_dialogs(settings, with_demo=False)
    app = build_application(dialogs, settings)
    if not shared:  # the in-process limiter alone, for the CPU comparison
        app.bot.rate_limiter._shared = None
    await app.initialize()
    worker = build_worker(dialogs.db, settings, {"telegram": TelegramSender(app.bot)})
    conn.send("ready")
    start.wait()
    cpu, sent, empty = time.process_time(), 0, 0
    while empty < 3:  # the backlog is gone when three ticks in a row find nothing
        result = await worker.tick()
        sent += result.sent
        empty = 0 if result.claimed else empty + 1
        if not result.claimed:
            await asyncio.sleep(0.2)
    cpu = time.process_time() - cpu
    await app.shutdown()
    dialogs.db.dispose()
    conn.send((sent, cpu))


def worker_process(url: str, port: int, rate: float, shared: bool, start, conn) -> None:
    """Entry point of one worker."""
    asyncio.run(_drain(url, port, rate, shared, start, conn))


def cpu_per_reservation(url: str) -> dict:
    """Milliseconds of this process's CPU per shared reservation (a chat and the overall bucket):
    for a chat written to before (its row exists) and for a chat seen for the first time."""
    from bot.handlers.pacing import SharedPace
    from store.db import Database
    from store.send_pace import Bucket
    db = Database(url, pool_size=2)
    pace = SharedPace(db)
    overall = Bucket("bench:all", 1e-6, ahead=1.0)
    out = {}
    for name in ("new_chat", "known_chat"):  # the second round finds the first round's rows
        started = time.process_time()
        for n in range(RESERVATIONS):
            pace._reserve([Bucket(f"bench:chat:{n}", 1e-6), overall])
        out[name] = round((time.process_time() - started) / RESERVATIONS * 1000, 3)
    db.dispose()
    return out


# -- one run --------------------------------------------------------------------------------------

_runs = iter(range(1000))


def run(url: str, workers: int, pushes: int, rate: float, shared: bool, fake, port: int, label: str) -> dict:
    from tests.support.workers import migrated_database
    db = migrated_database(url)
    first = FIRST_CHAT + next(_runs) * pushes  # new chats (and accounts) for every run
    backlog(db, [first + n for n in range(pushes)], label)
    db.dispose()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    pipes, procs = [], []
    for _ in range(workers):
        ours, theirs = ctx.Pipe()
        proc = ctx.Process(target=worker_process, args=(url, port, rate, shared, start, theirs))
        proc.start()
        pipes.append(ours)
        procs.append(proc)
    for pipe, proc in zip(pipes, procs):
        answer(pipe, proc)
    start.set()
    results = [answer(pipe, proc) for pipe, proc in zip(pipes, procs)]
    for proc in procs:
        proc.join(30)
    fake.send("times")
    times = fake.recv()
    sent = sum(n for n, _ in results)
    cpu = sum(c for _, c in results)
    return {
        "workers": workers,
        "shared": shared,
        "sent": sent,
        "sent_per_worker": [n for n, _ in results],
        "achieved_per_second": round(achieved_rate(times, rate), 2),
        "ratio": round(achieved_rate(times, rate) / rate, 3),
        "max_in_any_1s_window": most_in_any_window(times, 1.0),
        "cpu_ms_per_send": round(cpu / max(1, sent) * 1000, 2),
    }


def answer(pipe, proc):
    """What a worker process sends next; an error if it ended first (its traceback is on stderr)."""
    while not pipe.poll(1.0):
        if not proc.is_alive():
            raise RuntimeError(f"a worker process ended with code {proc.exitcode}")
    return pipe.recv()


def database_urls(kind: str, tmp: str) -> tuple[str, object]:
    if kind == "sqlite":
        return f"sqlite:///{tmp}/send_limits.db", None
    from tests.support.databases import PostgresSchema, postgres_base_url
    pg = PostgresSchema(postgres_base_url())
    return pg.url, pg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=600, help="pushes per run")
    parser.add_argument("--rate", type=float, default=30.0, help="the overall limit, messages/s")
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--unshared", action="store_true",
                        help="also run 2 workers with the in-process limiter alone (as before)")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    fake, theirs = ctx.Pipe()
    server = ctx.Process(target=fake_process, args=(theirs,))
    server.start()
    port = fake.recv()
    out: dict = {"limit_per_second": args.rate, "burst": max(1.0, args.rate / 10),
                 "pushes_per_run": args.pushes, "target_ratio": 0.9}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for kind in args.databases.split(","):
                url, pg = database_urls(kind, tmp)
                runs = {
                    "1_worker": run(url, 1, args.pushes, args.rate, True, fake, port, f"{kind}1"),
                    "2_workers": run(url, 2, args.pushes, args.rate, True, fake, port, f"{kind}2"),
                    "1_worker_in_process_limiter_only": run(url, 1, args.pushes, args.rate, False,
                                                            fake, port, f"{kind}L"),
                }
                if args.unshared:
                    runs["2_workers_in_process_limiter_only"] = run(
                        url, 2, args.pushes, args.rate, False, fake, port, f"{kind}U")
                runs["cpu_ms_per_reservation"] = cpu_per_reservation(url)
                out[kind] = runs
                if pg is not None:
                    pg.drop()
    finally:
        fake.send("stop")
        server.join(10)
    shared_runs = [r for kind in args.databases.split(",") for name, r in out[kind].items()
                   if isinstance(r, dict) and r.get("shared")]
    out["ratio"] = min(r["ratio"] for r in shared_runs)
    out["max_in_any_1s_window"] = max(r["max_in_any_1s_window"] for r in shared_runs)
    out["load_average_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
