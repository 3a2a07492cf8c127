"""One worker's memory with a district-sized store: 10,000 courses and 100,000 residents.

Builds the store in a SQLite file (bulk inserts, with sessions and some sign-ups), starts the real
worker (`python -m bot.cli serve`, demo off, no Telegram or WeCom), drives web chat traffic through
its HTTP API (menu, browsing, course pages, searches, which build the search index over every
course) and reads the worker's VmRSS and VmHWM from /proc. Prints one JSON object.

When the worker ends above the target, the bench says where the memory goes: the RSS each group of
the worker's imports adds in a fresh interpreter, and the Python heap the traffic adds, by line
(tracemalloc, in a second worker run in a child process).

    python bench/memory.py            # BENCH_COURSES, BENCH_RESIDENTS, BENCH_ENROLMENTS change the sizes
    BENCH_BROWSERS=10 BENCH_STORE=memory.db BENCH_EXPLAIN=0 python bench/memory.py   # quick: fewer browsers,
                                      # the store built once and reused, no breakdown of where memory goes
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from bot.clock import utcnow  # noqa: E402
from store.db import Database  # noqa: E402
from store.demo import course_plans, read_data  # noqa: E402
from store.models import Category, ClassSession, Course, Enrolment, Resident, Venue  # noqa: E402

COURSES = int(os.environ.get("BENCH_COURSES", "10000"))
RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "100000"))
ENROLMENTS = int(os.environ.get("BENCH_ENROLMENTS", "50000"))
SESSIONS_PER_COURSE = 4
BROWSERS = int(os.environ.get("BENCH_BROWSERS", "30"))
TARGET_MB = 150
SEED = 20261201
CHUNK = 5_000
SEARCHES = ["书法", "太极", "shufa", "sf", "广场舞", "合唱", "智能手机", "国画山水", "毛笔", "瑜伽",
            "乒乓球", "摄影", "老年大学", "周末亲子", "书发", "taiji", "舞蹈 入门", "英语口语", "茶艺", "象棋"]


def _chunks(rows: list[dict], size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def build_store(db: Database) -> dict:
    """Categories and venues from the demo data, then COURSES courses, their sessions, residents, sign-ups."""
    rng = random.Random(SEED)
    data = read_data()
    plans = course_plans(data)
    now = utcnow().replace(second=0, microsecond=0)
    db.create_all()
    with db.session() as s:
        s.execute(insert(Category), [{"section": c["section"], "name": c["name"], "sort_order": n}
                                     for n, c in enumerate(data["category"])])
        s.execute(insert(Venue), [{"code": v["code"], "name": v["name"], "address": v["address"],
                                   "community": v["community"], "kind": v["kind"],
                                   "opening_hours": json.dumps(v["hours"], ensure_ascii=False),
                                   "phone": v.get("phone", "")} for v in data["venue"]])
        categories = dict(s.execute(select(Category.name, Category.id)).all())
        venues = [row[0] for row in s.execute(select(Venue.id)).all()]
    courses = []
    for n in range(COURSES):
        plan = plans[n % len(plans)]
        category = plan["category"]
        courses.append({
            "code": f"B-{n:05d}", "title": f"{plan['title']}（第{n // len(plans) + 1}期）",
            "section": category["section"], "category_id": categories[category["name"]],
            "teacher": rng.choice(category["teachers"]), "venue_id": rng.choice(venues),
            "capacity": rng.randint(*category["capacity"]), "description": plan["description"],
            "tags": plan["tags"], "reminders_on": True, "active": True, "updated_at": now})
    with db.session() as s:
        for rows in _chunks(courses):
            s.execute(insert(Course), rows)
        course_ids = [row[0] for row in s.execute(select(Course.id).order_by(Course.id)).all()]
    sessions = []
    for course_id in course_ids:
        first = now + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 10))
        for week in range(SESSIONS_PER_COURSE):
            start = first + timedelta(weeks=week)
            sessions.append({"course_id": course_id, "starts_at": start, "ends_at": start + timedelta(minutes=90)})
    with db.session() as s:
        for rows in _chunks(sessions):
            s.execute(insert(ClassSession), rows)
        for rows in _chunks([{"display_name": f"居民{n:06d}", "reminders_on": True, "created_at": now}
                             for n in range(RESIDENTS)]):
            s.execute(insert(Resident), rows)
        resident_ids = [row[0] for row in s.execute(select(Resident.id)).all()]
    taken: set[tuple[int, int]] = set()
    queue: dict[int, int] = {}
    enrolments = []
    while len(enrolments) < ENROLMENTS:
        pair = (rng.choice(course_ids), rng.choice(resident_ids))
        if pair in taken:
            continue
        taken.add(pair)
        queue[pair[0]] = queue.get(pair[0], 0) + 1
        enrolments.append({"course_id": pair[0], "resident_id": pair[1], "status": "confirmed",
                           "queue_no": queue[pair[0]], "created_at": now, "updated_at": now})
    with db.session() as s:
        for rows in _chunks(enrolments):
            s.execute(insert(Enrolment), rows)
    return {"courses": len(course_ids), "sessions": len(sessions), "residents": len(resident_ids),
            "enrolments": len(enrolments), "categories": len(categories), "venues": len(venues)}


def count_store(db: Database) -> dict:
    """The sizes of a store built by an earlier run (BENCH_STORE)."""
    with db.session() as s:
        count = lambda model: s.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
        return {"courses": count(Course), "sessions": count(ClassSession), "residents": count(Resident),
                "enrolments": count(Enrolment), "categories": count(Category), "venues": count(Venue),
                "reused": True}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_of(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB, and its thread count."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
        elif key == "Threads":
            found[key] = int(value)
    return found


def worker_env(url: str, port: int) -> dict[str, str]:
    """The shipped settings on the bench database: demo off, no Telegram or WeCom, no rate limits."""
    env = {**os.environ, "LINLI_DATABASE__URL": url, "LINLI_GENERAL__DEMO_ON_EMPTY": "false",
           "LINLI_WEB__HOST": "127.0.0.1", "LINLI_WEB__PORT": str(port), "LINLI_TELEGRAM__TOKEN": "",
           "LINLI_WECOM__CORP_ID": "", "LINLI_WEB__RATE_PER_SESSION": "100000",
           "LINLI_WEB__RATE_PER_ADDRESS": "100000"}
    env.pop("LINLI_CONFIG", None)
    return env


def start_worker(url: str, port: int, log_path: Path) -> subprocess.Popen:
    with log_path.open("wb") as log:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env=worker_env(url, port),
                                stdout=log, stderr=subprocess.STDOUT)


async def wait_ready(base: str, worker: subprocess.Popen | None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if worker is not None and worker.poll() is not None:
                raise RuntimeError(f"the worker stopped with code {worker.returncode}")
            try:
                async with http.get(f"{base}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise TimeoutError("the worker did not answer /healthz in time")


def conversation(rng: random.Random, categories: list[int], codes: list[str]) -> list[dict]:
    """What one browser sends: the menu, browsing down to courses, course pages and searches."""
    steps: list[dict] = [{"payload": "menu"}, {"payload": "browse"}]
    for _ in range(3):
        category = rng.choice(categories)
        steps += [{"payload": f"sec:{rng.choice(['文化', '体育', '艺术'])}"}, {"payload": f"cat:{category}"},
                  {"payload": f"cat:{category}:2"}, {"payload": f"crs:{rng.choice(codes)}"}]
    for query in rng.sample(SEARCHES, 6):
        steps += [{"payload": "search"}, {"text": query}]
    steps += [{"text": rng.choice(SEARCHES)} for _ in range(4)]
    steps += [{"payload": "my"}, {"payload": "help"}, {"payload": "more"}]
    return steps


async def drive(base: str, db: Database, browsers: int = BROWSERS) -> dict:
    """Browsers at once, each through its own conversation; counts and errors."""
    with db.session() as s:
        categories = [row[0] for row in s.execute(select(Category.id)).all()]
        codes = [row[0] for row in s.execute(select(Course.code)).all()]
    counts = {"requests": 0, "errors": 0, "busy": 0}

    async def browser(n: int) -> None:
        rng = random.Random(f"{SEED}:{n}")
        # unsafe: keep the cookie of an address like 127.0.0.1, as a browser does
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await (await http.get(f"{base}/")).read()  # the page hands out the session cookie
            messages = [("/api/start", {})] + [("/api/message", step) for step in
                                               conversation(rng, categories, codes)]
            for i, (path, body) in enumerate(messages):
                async with http.post(f"{base}{path}", json={"id": f"bench-{n:03d}-{i:04d}", **body}) as resp:
                    answer = await resp.json()
                counts["requests"] += 1
                counts["errors"] += resp.status != 200
                counts["busy"] += "繁忙" in json.dumps(answer, ensure_ascii=False)

    started = time.perf_counter()
    await asyncio.gather(*(browser(n) for n in range(browsers)))
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


# What the worker imports, in the order it does, grouped; a fresh interpreter reports its RSS after each group.
IMPORT_GROUPS = [
    ("sqlalchemy, sqlmodel, pydantic", ["sqlalchemy", "sqlmodel", "pydantic"]),
    ("aiohttp", ["aiohttp", "aiohttp.web"]),
    ("store models", ["store.db", "store.models"]),
    ("character readings and the phrase table", ["bot.search.phrases"]),
    ("search (rapidfuzz, index)", ["rapidfuzz", "bot.search"]),
    ("dialogs, every flow", ["bot.dialogs.engine"]),
    ("the schema check at start", ["bot.schema"]),
    ("scheduler, web server, the rest of serve", ["apscheduler", "bot.serve", "bot.handlers.web.server",
                                                  "bot.health"]),
    ("the linli command (every subcommand's module)", ["bot.cli"]),
]
IMPORT_PROBE = """
import importlib, json, os, sys
def rss():
    for line in open(f"/proc/{os.getpid()}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
out, last = {}, rss()
out["python itself"] = round(last, 1)
for label, modules in json.loads(sys.argv[1]):
    for module in modules:
        importlib.import_module(module)
    now = rss()
    out[label] = round(now - last, 1)
    last = now
out["all imports"] = round(last, 1)
print(json.dumps(out, ensure_ascii=False))
"""


def import_costs() -> dict[str, float]:
    """RSS a fresh interpreter gains with each group of the worker's imports, in MB."""
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, json.dumps(IMPORT_GROUPS)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=300, check=False)
    return json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr.strip()[-300:]}


def _where(stat: tracemalloc.StatisticDiff) -> str:
    frame = stat.traceback[0]
    parts = Path(frame.filename).parts
    if "site-packages" in parts:  # a library: from its package name on
        shown = Path(*parts[parts.index("site-packages") + 1:])
    elif Path(frame.filename).is_relative_to(ROOT):
        shown = Path(frame.filename).relative_to(ROOT)
    else:
        shown = Path(*parts[-2:])
    return f"{shown}:{frame.lineno}"


async def _traced_traffic(url: str, port: int) -> dict:
    """The worker in this process; the Python heap it gains over the traffic, by line (tracemalloc)."""
    from bot.serve import run
    from bot.settings import get_settings

    base = f"http://127.0.0.1:{port}"
    stop = asyncio.Event()
    serving = asyncio.create_task(run(get_settings(), stop))
    await wait_ready(base, None)
    tracemalloc.start()
    ready = tracemalloc.take_snapshot()
    db = Database(url)
    await drive(base, db, browsers=10)
    db.dispose()
    busy = tracemalloc.take_snapshot()
    tracemalloc.stop()
    stop.set()
    await serving
    growth = busy.compare_to(ready, "lineno")
    return {
        "python_heap_gained_mb": round(sum(stat.size_diff for stat in growth) / 2 ** 20, 1),
        "biggest": [{"mb": round(stat.size_diff / 2 ** 20, 2), "where": _where(stat)} for stat in growth[:10]],
    }


def traced_traffic(url: str, port: int) -> dict:
    """_traced_traffic in a child process with the worker's settings."""
    done = subprocess.run([sys.executable, __file__, "--trace", url, str(port)], cwd=ROOT,
                          env={**worker_env(url, port), "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=1800, check=False)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-3:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


async def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        kept = os.environ.get("BENCH_STORE")
        path = Path(kept) if kept else Path(tmp) / "memory.db"
        url = f"sqlite:///{path}"
        reuse = path.exists()
        db = Database(url)
        started = time.perf_counter()
        built = count_store(db) if reuse else build_store(db)
        build_seconds = round(time.perf_counter() - started, 1)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        worker = start_worker(url, port, Path(tmp) / "worker.log")
        try:
            await wait_ready(base, worker)
            idle = memory_of(worker.pid)
            traffic = await drive(base, db)
            after = memory_of(worker.pid)
            traffic_again = await drive(base, db)  # the index is built: memory should stay put
            settled = memory_of(worker.pid)
        finally:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
            log_tail = (Path(tmp) / "worker.log").read_text(errors="replace").splitlines()[-5:]
        result = {
            "store": built, "database_mb": round(path.stat().st_size / 2 ** 20, 1),
            "build_seconds": build_seconds,
            "worker_idle_mb": idle, "worker_after_traffic_mb": after, "worker_after_more_traffic_mb": settled,
            "traffic": traffic, "more_traffic": traffic_again,
            "target_mb": TARGET_MB, "within_target": settled["VmHWM"] <= TARGET_MB,
        }
        if traffic["errors"] or traffic["busy"]:
            result["worker_log_tail"] = log_tail
        if not result["within_target"] and os.environ.get("BENCH_EXPLAIN", "1") != "0":
            result["where_the_memory_goes"] = {"imports_rss_mb": import_costs(),
                                               "traffic_python_heap": traced_traffic(url, free_port())}
        db.dispose()
        return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--trace"]:
        print(json.dumps(asyncio.run(_traced_traffic(sys.argv[2], int(sys.argv[3]))), ensure_ascii=False))
    else:
        print(json.dumps(asyncio.run(main()), ensure_ascii=False, indent=2))
