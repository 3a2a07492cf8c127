"""Residents browse the menu and sign up through the Telegram webhook: linli with 1 and 2 workers
on PostgreSQL beside a bare python-telegram-bot echo, each against a fake Bot API of its own, in one run.

Each resident runs /start → 服务菜单 → 文化 → 书法 → a course → 报名 → 确认报名, waiting for the
bot's reply before the next step, all residents at once. A press carries the chat's newest message
as it stands, as Telegram sends it (so a linli screen may be answered in its place). Updates are
POSTed round-robin over the workers, as a reverse proxy would. The fake Bot API runs in its own
process and streams every message it is sent or whose text it replaces, with the time; latency is
update POSTed → reply seen by the fake (both clocks are the system's monotonic clock). Prints JSON.

The echo and one linli worker stay up side by side and take their residents in alternating rounds,
so both meet the same neighbours on this shared machine: the ratios are of their sums over the
rounds, and each round's ratios are printed too. Each has its own fake, so neither pays for the
other's message history. Two workers are measured after, on their own.

    LINLI_TEST_DATABASE_URL=postgresql://... python bench/webhook_storm.py
    (BENCH_RESIDENTS: residents a round, default 200; BENCH_ROUNDS: rounds, default 3;
     BENCH_WARMUP: warm-up residents, default 20)
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from tests.fakes.telegram_api import FakeBotApi  # noqa: E402

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", 200))
WARMUP = int(os.environ.get("BENCH_WARMUP", 20))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
REPLY_TIMEOUT = 60.0
COURSE = "HOT-01"
SECRET = "bench-secret_0123456789"


# -- the fake Bot API, in its own process -----------------------------------------------------

class TimedBotApi(FakeBotApi):
    """The test fake, plus a stream of (chat, time, message) for every message sent and every text
    replaced in place; any press may be answered."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._listeners: list[asyncio.Queue] = []

    async def start(self) -> "TimedBotApi":
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/events", self._events)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        queue: asyncio.Queue = asyncio.Queue()
        self._listeners.append(queue)
        try:
            while True:
                lines = [await queue.get()]
                while not queue.empty():
                    lines.append(queue.get_nowait())
                await response.write("".join(lines).encode())
        finally:
            self._listeners.remove(queue)

    def _shown(self, chat_id: Any, message: dict[str, Any]) -> None:
        line = json.dumps({"chat": chat_id, "at": time.monotonic(), "message": message}, ensure_ascii=False)
        for queue in self._listeners:
            queue.put_nowait(line + "\n")
        self.calls.clear()  # nothing reads them here; keep memory flat
        self._sent.clear()
        self._answers.clear()

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = super()._new_message(params, **content)
        self._shown(params.get("chat_id"), message)
        return message

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = super()._m_editMessageText(params)
        self._shown(params.get("chat_id"), message)
        return message

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True  # presses are made up by another process: every id is fine


async def serve_fake() -> None:
    """Run the fake until SIGTERM; the first line on stdout is its port."""
    api = await TimedBotApi().start()
    print(api.port, flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await api.stop()


# -- residents ----------------------------------------------------------------------------------

class Replies:
    """Reads the fake's event stream; hands each chat's (time, message) to whoever waits for them."""

    def __init__(self) -> None:
        self.queues: dict[int, asyncio.Queue] = {}

    def of(self, chat_id: int) -> asyncio.Queue:
        return self.queues.setdefault(chat_id, asyncio.Queue())

    async def follow(self, url: str, ready: asyncio.Event) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as http:
            async with http.get(url) as response:
                ready.set()
                async for raw in response.content:
                    event = json.loads(raw)
                    self.of(int(event["chat"])).put_nowait((event["at"], event["message"]))


def script(category_id: int) -> list[tuple[str, str]]:
    """One resident's visit: (kind, text or callback data)."""
    return [("text", "/start"), ("press", "browse"), ("press", "sec:文化"),
            ("press", f"cat:{category_id}"), ("press", f"crs:{COURSE}"), ("press", f"su:{COURSE}"),
            ("press", f"suy:{COURSE}")]


def inline_keyboard(message: dict[str, Any] | None) -> bool:
    """True for a message with buttons under it (not the keyboard under the input box)."""
    return bool(message and "inline_keyboard" in (message.get("reply_markup") or {}))


def make_update(kind: str, value: str, user: int, update_id: int,
                shown: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Telegram update from a private chat: a text, or a press on a message with a keyboard (the
    chat's newest message as it stands, which Telegram sends along with the press)."""
    sender = {"id": user, "is_bot": False, "first_name": "居民", "language_code": "zh-hans"}
    chat = {"id": user, "type": "private", "first_name": "居民"}
    now = int(time.time())
    if kind == "text":
        message = {"message_id": update_id, "date": now, "chat": chat, "from": sender, "text": value}
        if value.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(value)}]
        return {"update_id": update_id, "message": message}
    if shown is None:
        shown = {"message_id": update_id, "date": now, "chat": chat, "text": "…",
                 "from": {"id": 1, "is_bot": True, "first_name": "邻里"}}
    elif not inline_keyboard(shown):  # Telegram shows no reply_markup for a keyboard under the input box
        shown = {key: value for key, value in shown.items() if key != "reply_markup"}
    return {"update_id": update_id, "callback_query": {
        "id": f"q{update_id}", "from": sender, "chat_instance": f"c{user}", "message": shown,
        "data": value}}


async def run_residents(urls: list[str], replies: Replies, users: range, category_id: int,
                        first_update: int, answers: Any = lambda message: True) -> dict[str, Any]:
    """Every user runs the script at once; throughput and latencies of all their steps. A step is
    answered by the first message that `answers` accepts (linli's /start also sends the keyboard
    under the input box, before its greeting)."""
    steps = script(category_id)
    latencies: list[float] = []
    by_step: list[list[float]] = [[] for _ in steps]
    lost = 0
    turn = iter(range(10**9))
    connector = aiohttp.TCPConnector(limit=256)
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession(connector=connector) as http:

        async def visit(n: int, user: int) -> None:
            nonlocal lost
            inbox = replies.of(user)
            shown = None
            for s, (kind, value) in enumerate(steps):
                while not inbox.empty():  # a late second message of the last step
                    shown = inbox.get_nowait()[1]
                update = make_update(kind, value, user, first_update + n * len(steps) + s, shown)
                url = urls[next(turn) % len(urls)]
                sent_at = time.monotonic()
                async with http.post(url, data=json.dumps(update, ensure_ascii=False).encode(),
                                     headers=headers) as response:
                    await response.read()
                try:
                    while True:
                        seen_at, shown = await asyncio.wait_for(inbox.get(), REPLY_TIMEOUT)
                        if answers(shown):
                            break
                except asyncio.TimeoutError:
                    lost += 1
                    continue
                latencies.append(seen_at - sent_at)
                by_step[s].append(seen_at - sent_at)

        started = time.monotonic()
        await asyncio.gather(*(visit(n, user) for n, user in enumerate(users)))
        elapsed = time.monotonic() - started
    return {"done": len(latencies), "lost": lost, "seconds": elapsed, "latencies": latencies,
            "by_step": {value.split(":")[0]: times for (_, value), times in zip(steps, by_step)}}


def summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One contestant's rounds together: rate, latencies, CPU per update."""
    done, lost = sum(r["done"] for r in rounds), sum(r["lost"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    ordered = sorted(x for r in rounds for x in r["latencies"]) or [0.0]
    by_step = {step: [x for r in rounds for x in r["by_step"][step]] for step in rounds[0]["by_step"]}
    out = {"updates": done + lost, "rounds": len(rounds), "seconds": round(seconds, 2),
           "updates_per_second": round(done / seconds, 1) if seconds else None,
           "p50_ms": round(statistics.median(ordered) * 1000, 1),
           "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * (len(ordered) - 1)))] * 1000, 1),
           "lost": lost,
           "p50_ms_by_step": {step: round(statistics.median(times) * 1000, 1)
                              for step, times in by_step.items() if times},
           "load_average_1min": [r["load_average_1min"] for r in rounds]}
    if all(r.get("cpu_seconds") is not None for r in rounds) and done + lost:
        # CPU the bot's own processes spent per update: comparable even on a busy machine.
        out["cpu_ms_per_update"] = round(sum(r["cpu_seconds"] for r in rounds) * 1000 / (done + lost), 2)
    return out


# -- the contestants ------------------------------------------------------------------------------

async def wait_healthy(ports: list[int], procs: list, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        for port, proc in zip(ports, procs):
            while True:
                if proc.returncode is not None:
                    raise RuntimeError(f"process on port {port} exited with {proc.returncode}")
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"process on port {port} not healthy")
                await asyncio.sleep(0.2)


async def stop_all(procs: list) -> list[int]:
    for proc in procs:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    return [await asyncio.wait_for(proc.wait(), 60) for proc in procs]


def fake_handle(port: int) -> FakeBotApi:
    """A FakeBotApi object that only names the running fake (token and URLs)."""
    api = FakeBotApi()
    api.port = port
    return api


def prepare_schema(base_url: str):
    """A private schema with the demo catalogue and one popular 50-seat 书法 course."""
    from sqlmodel import select

    from bot.clock import utcnow
    from store.demo import load_demo
    from store.models import Category
    from tests.support.catalog import add_course
    from tests.support.databases import PostgresSchema
    from tests.support.workers import migrated_database
    schema = PostgresSchema(base_url)
    db = migrated_database(schema.url)
    load_demo(db)
    add_course(db, COURSE, "老年智能手机入门", category="书法", capacity=50,
               first_start=utcnow() + timedelta(days=3))
    with db.session() as s:
        category_id = s.exec(select(Category.id).where(Category.name == "书法")).first()
    return schema, db, category_id


def cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU time the processes used so far (Linux /proc; None elsewhere)."""
    try:
        total = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class Contestant:
    """A bot's processes, started and warmed up; measured round by round."""

    def __init__(self, start, replies: Replies, category_id: int, base: int, answers: Any = lambda m: True):
        self.start, self.replies, self.category_id, self.answers = start, replies, category_id, answers
        self.next_user = base
        self.procs: list = []
        self.urls: list[str] = []
        self.rounds: list[dict[str, Any]] = []

    def _users(self, n: int) -> range:
        users = range(self.next_user, self.next_user + n)
        self.next_user += n
        return users

    async def __aenter__(self) -> "Contestant":
        self.procs, ports = await self.start()
        await wait_healthy(ports, self.procs)
        self.urls = [f"http://127.0.0.1:{p}/telegram/webhook" for p in ports]
        return self

    async def warm_up(self) -> None:
        """WARMUP residents, not measured: caches filled, and the HTTP connections the other
        contestant's round let expire (httpx keeps an idle one 5 s) opened again."""
        users = self._users(WARMUP)
        await run_residents(self.urls, self.replies, users, self.category_id, users.start * 10, self.answers)

    async def measure_round(self) -> dict[str, Any]:
        """RESIDENTS new residents, all at once, after a warm-up."""
        await self.warm_up()
        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds([p.pid for p in self.procs])
        users = self._users(RESIDENTS)
        result = await run_residents(self.urls, self.replies, users, self.category_id, users.start * 10,
                                     self.answers)
        cpu_after = cpu_seconds([p.pid for p in self.procs])
        result["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        result["cpu_seconds"] = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
        self.rounds.append(result)
        return result

    async def __aexit__(self, *exc: object) -> None:
        self.exit_codes = await stop_all(self.procs)

    def result(self) -> dict[str, Any]:
        """Every round together."""
        return {**summary(self.rounds), "exit_codes": self.exit_codes}


def _rate(r: dict[str, Any]) -> float | None:
    return r["done"] / r["seconds"] if r["seconds"] else None


def _cpu_ms(r: dict[str, Any]) -> float | None:
    updates = r["done"] + r["lost"]
    return r["cpu_seconds"] * 1000 / updates if r["cpu_seconds"] is not None and updates else None


def round_vs_echo(linli: dict[str, Any], echo: dict[str, Any]) -> dict[str, Any]:
    """One round of each: CPU per update and the ratios, by rate and by CPU."""
    out = {"echo_cpu_ms": _cpu_ms(echo), "linli_cpu_ms": _cpu_ms(linli)}
    out["by_rate"] = round(_rate(linli) / _rate(echo), 2) if _rate(linli) and _rate(echo) else None
    out["by_cpu"] = (round(out["echo_cpu_ms"] / out["linli_cpu_ms"], 2)
                     if out["echo_cpu_ms"] and out["linli_cpu_ms"] else None)
    for key in ("echo_cpu_ms", "linli_cpu_ms"):
        out[key] = None if out[key] is None else round(out[key], 2)
    return out


async def bench() -> dict[str, Any]:
    from tests.support.workers import free_port, linli_env, telegram_on
    base_url = os.environ.get("LINLI_BENCH_DATABASE_URL") or os.environ.get("LINLI_TEST_DATABASE_URL")
    if not base_url:
        raise SystemExit("set LINLI_TEST_DATABASE_URL (PostgreSQL) to run this benchmark")
    from store.db import normalise_url
    base_url = normalise_url(base_url)
    replies = Replies()
    fakes: list[tuple[Any, asyncio.Task]] = []

    async def own_fake() -> FakeBotApi:
        """A fake Bot API in its own process, its messages followed; stopped at the end."""
        proc = await asyncio.create_subprocess_exec(sys.executable, __file__, "--fake",
                                                    stdout=asyncio.subprocess.PIPE)
        port = int((await proc.stdout.readline()).decode())
        ready = asyncio.Event()
        fakes.append((proc, asyncio.create_task(replies.follow(f"http://127.0.0.1:{port}/events", ready))))
        await ready.wait()
        return fake_handle(port)

    out: dict[str, Any] = {"cpus": os.cpu_count(), "residents": RESIDENTS, "warmup_residents": WARMUP,
                           "steps_per_resident": len(script(0)), "database": "postgresql"}
    logs = Path(tempfile.mkdtemp(prefix="webhook-storm-"))  # worker logs, kept for a look afterwards

    async def echo():
        api, port = await own_fake(), free_port()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "echo_bot.py"), "--port", str(port), "--token", api.token,
            "--base-url", api.base_url, "--secret", SECRET, stderr=asyncio.subprocess.DEVNULL)
        return [proc], [port]

    def linli(n: int, schema_url: str):
        async def start():
            procs, ports, api = [], [], await own_fake()
            for i in range(n):
                port = free_port()
                # Production-like, except pacing: the fake is not Telegram, and these residents
                # tap seven buttons in a second.
                env = linli_env(schema_url, logs / "files", **{**telegram_on(api),
                                 "TELEGRAM__WEBHOOK_SECRET": SECRET, "WEB__PORT": str(port),
                                 "SCHEDULER__TICK_SECONDS": "5", "DATABASE__POOL_SIZE": "10"})
                with (logs / f"linli-{n}-{i}.log").open("wb") as log:
                    procs.append(await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot.cli", "serve", cwd=str(ROOT), env=env,
                        stdout=log, stderr=asyncio.subprocess.STDOUT))
                ports.append(port)
            return procs, ports
        return start

    try:
        schema, db, category_id = prepare_schema(base_url)
        try:
            async with Contestant(echo, replies, 0, 10_000_000) as bare, \
                    Contestant(linli(1, schema.url), replies, category_id, 20_000_000, inline_keyboard) as one:
                per_round = []
                for _ in range(ROUNDS):
                    echo_round, linli_round = await bare.measure_round(), await one.measure_round()
                    per_round.append(round_vs_echo(linli_round, echo_round))
            out["echo"], out["linli_1_worker"] = bare.result(), one.result()
            out["linli_1_worker"]["enrolments"] = _enrolments(db)
        finally:
            db.dispose()
            schema.drop()
        schema, db, category_id = prepare_schema(base_url)
        try:
            async with Contestant(linli(2, schema.url), replies, category_id, 30_000_000, inline_keyboard) as two:
                await two.measure_round()
            out["linli_2_workers"] = two.result()
            out["linli_2_workers"]["enrolments"] = _enrolments(db)
        finally:
            db.dispose()
            schema.drop()
    finally:
        for proc, follower in fakes:
            follower.cancel()
            proc.send_signal(signal.SIGTERM)
            await proc.wait()
    one, two = out["linli_1_worker"]["updates_per_second"], out["linli_2_workers"]["updates_per_second"]
    bare, cpu_one, cpu_bare = (out["echo"]["updates_per_second"], out["linli_1_worker"].get("cpu_ms_per_update"),
                               out["echo"].get("cpu_ms_per_update"))
    out["one_worker_vs_echo"] = round(one / bare, 2) if one and bare else None
    if cpu_one and cpu_bare:
        out["one_worker_vs_echo_by_cpu"] = round(cpu_bare / cpu_one, 2)  # the rate ratio on equal CPU
    out["rounds_vs_echo"] = per_round
    out["two_workers_vs_one"] = round(two / one, 2) if one else None
    out["targets"] = {"one_worker_vs_echo": 0.6, "one_worker_vs_echo_by_cpu": 0.6, "two_workers_vs_one": 1.6}
    return out


def _enrolments(db) -> dict[str, int]:
    """Places in the popular course by status (warm-up residents included)."""
    from sqlalchemy import text
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT e.status, count(*) FROM enrolment e JOIN course c "
                                 "ON c.id = e.course_id WHERE c.code = :code GROUP BY e.status"),
                            {"code": COURSE}).all()
    return {status: n for status, n in rows}


def main() -> None:
    if sys.argv[1:] == ["--fake"]:
        asyncio.run(serve_fake())
        return
    print(json.dumps(asyncio.run(bench()), ensure_ascii=False, indent=2))
    print("worker logs are in the webhook-storm-* folder of the temporary directory", file=sys.stderr)


if __name__ == "__main__":
    main()
