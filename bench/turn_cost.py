"""What a turn costs beside the SQL it issues: /start, browse, a course page, sign-ups (seat and
waiting list) through the dialog layer, each turn's statements replayed through the bare driver.

For each database the same setup is built four times: turns are timed on the first (nothing
listening), their statements captured on the second, and replayed statement by statement with
their parameters through sqlite3 / psycopg on the third, so both sides do the same work on the
same data. The fourth takes the same replay through SQLAlchemy instead (a kept session's transaction, its
connection's check on PostgreSQL, `exec_driver_sql`): what the engine alone adds to the driver when
it executes each statement, before any dialog runs. A turn's own statements run on the driver's
cursor (store.prepared), so a turn can cost less than that replay. CPU is process time (the machine
is shared; wall time would measure the neighbours). The setup's objects (four databases' worlds, the
captured statements) are frozen out of the garbage collector once built: a full collection over
them took about 0.1 s of CPU and landed on whichever turn ran when it came, the same kind in every
run (a sign-up to the waiting list read 0.4–0.6 ms a turn dearer than its slices' median).
Prints JSON per database and turn kind: CPU per turn, bare-driver CPU per turn, their ratio (of
the sums, and the median of the slices' ratios), the SQLAlchemy replay's CPU and its ratio to the
bare driver, statements per turn, statements issued twice with the same parameters, and the top
of a cProfile of the sign-up turns.

    python bench/turn_cost.py                      (SQLite only)
    LINLI_TEST_DATABASE_URL=postgresql://... python bench/turn_cost.py
    (BENCH_TURNS: residents per turn kind, default 200; BENCH_PROFILE_TOP: entries kept, default 12)
"""
from __future__ import annotations

import cProfile
import gc
import json
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from bot.clock import utcnow  # noqa: E402
from bot.dialogs.engine import Dialogs  # noqa: E402
from bot.dialogs.pushes.planner import plan_due_pushes  # noqa: E402
from bot.messages import Incoming  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from store.db import Database  # noqa: E402
from tests.support.catalog import add_course  # noqa: E402
from tests.support.databases import PostgresSchema  # noqa: E402

TURNS = int(os.environ.get("BENCH_TURNS", 200))
WARMUP = 20
SLICE = 10  # turns timed, then the same turns replayed, and so on
PROFILE_TOP = int(os.environ.get("BENCH_PROFILE_TOP", 12))
SEAT, FULL = "SEAT-1", "FULL-1"
# (kind, typed text, button data): each resident takes these turns, kind by kind.
KINDS = (("start", "/start", None), ("browse", None, "sec:文化"), ("course", None, f"crs:{SEAT}"),
         ("signup_seat", None, f"suy:{SEAT}"), ("signup_wait", None, f"suy:{FULL}"))


def incoming(user: str, kind: str, text: str | None, payload: str | None) -> Incoming:
    """One resident's update of one kind; the update key makes every run issue the same statements."""
    return Incoming("bench", user, text=text or "", payload=payload, update_key=f"{kind}:{user}")


class World:
    """One database with the bench's catalogue and residents, and the dialogs on it."""

    def __init__(self, db: Database):
        self.db = db
        db.create_all()
        first = utcnow() + timedelta(days=3)
        add_course(db, SEAT, "书法入门", capacity=TURNS * 2 + WARMUP * 2 + 10, first_start=first)
        add_course(db, FULL, "热门课程：老年智能手机入门", capacity=1, first_start=first)
        self.dialogs = Dialogs(db, load_settings({}))
        plan_due_pushes(db, self.dialogs.settings, utcnow())  # as the service's tick has: a sign-up reads its reach
        users = [f"w{i}" for i in range(WARMUP)] + [f"u{i}" for i in range(TURNS)] + [f"p{i}" for i in range(TURNS)]
        for user in ["holder"] + users:  # everyone has talked to the bot before
            self.dialogs.take_turn(Incoming("bench", user, text="/start"))
        self.dialogs.take_turn(Incoming("bench", "holder", payload=f"suy:{FULL}"))
        for kind, text, payload in KINDS:  # caches warm, pools filled
            for i in range(WARMUP):
                self.dialogs.take_turn(incoming(f"w{i}", kind, text, payload))

    def turns(self, kind: str, text: str | None, payload: str | None, prefix: str = "u",
              residents: range = range(TURNS)) -> float:
        """Run one kind for the measured residents (all by default); CPU seconds spent."""
        started = time.process_time()
        for i in residents:
            self.dialogs.take_turn(incoming(f"{prefix}{i}", kind, text, payload))
        return time.process_time() - started


def capture(world: World, kind: str, text: str | None, payload: str | None) -> list[list[tuple]]:
    """The statements each turn of one kind issues: (statement, parameters, executemany) per turn."""
    turns: list[list[tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        turns[-1].append((statement, parameters, executemany))

    event.listen(world.db.engine, "before_cursor_execute", record)
    try:
        for i in range(TURNS):
            turns.append([])
            world.dialogs.take_turn(incoming(f"u{i}", kind, text, payload))
    finally:
        event.remove(world.db.engine, "before_cursor_execute", record)
    return turns


def bare_connection(db: Database):
    """A plain driver connection to the same database, set up as the engine sets up its own."""
    url = db.engine.url
    if db.is_postgres:
        import psycopg
        return psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    conn = sqlite3.connect(url.database, check_same_thread=False, timeout=30, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def replay(conn, turns: list[list[tuple]], ping: bool) -> float:
    """Run each turn's statements as they were issued, one transaction per turn; CPU seconds spent."""
    started = time.process_time()
    for statements in turns:
        cur = conn.cursor()
        if ping:  # a kept connection is checked before each turn, in its transaction
            cur.execute("SELECT 1")
        for statement, parameters, many in statements:
            # A multi-row INSERT (insertmanyvalues) is flagged as many but is one execution.
            if many and isinstance(parameters, list) and isinstance(parameters[0], (tuple, list, dict)):
                cur.executemany(statement, parameters)
            else:
                cur.execute(statement, parameters)
            if cur.description is not None:
                cur.fetchall()
        conn.commit()
    return time.process_time() - started


def engine_replay(db: Database, turns: list[list[tuple]]) -> float:
    """Run each turn's statements through a session as exec_driver_sql, one transaction per turn; CPU
    seconds spent. The session begins the transaction and checks the connection itself."""
    started = time.process_time()
    for statements in turns:
        with db.session() as session:
            connection = session.connection()
            for statement, parameters, _many in statements:
                if statement.startswith("BEGIN"):
                    continue
                result = connection.exec_driver_sql(statement, parameters)
                if result.returns_rows:
                    result.fetchall()
    return time.process_time() - started


def duplicates(turns: list[list[tuple]]) -> int:
    """Statements a turn issued again with the same parameters (the same row read or written twice)."""
    extra = 0
    for statements in turns:
        seen = Counter((s, repr(p)) for s, p, _ in statements if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE")))
        extra += sum(n - 1 for n in seen.values())
    return extra


def where(filename: str) -> str:
    """Which part of the program a profiled function belongs to."""
    for part, marks in (("sqlalchemy", ("/sqlalchemy/",)), ("sqlmodel", ("/sqlmodel/",)),
                        ("driver", ("sqlite3", "/psycopg/", "psycopg_binary", "{method 'execute'",
                                    "{method 'fetch")),
                        ("pydantic", ("/pydantic",)), ("linli", ("/bot/", "/store/", "/scheduler/"))):
        if any(mark in filename for mark in marks):
            return part
    return "other"


def profile(world: World) -> dict:
    """cProfile of the sign-up turns: the top functions by own time, and own time by part."""
    profiler = cProfile.Profile(time.process_time)  # CPU, not the wait for the server
    profiler.enable()
    world.turns("signup_seat", None, f"suy:{SEAT}", prefix="p")
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values()) or 1.0
    parts: Counter = Counter()
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        label = f"{filename}:{name}" if filename != "~" else name
        parts[where(label)] += tottime
        rows.append((tottime, calls, cumtime, f"{Path(filename).name}:{line}({name})" if filename != "~" else name))
    rows.sort(reverse=True)
    return {
        "own_time_share": {part: round(t / total, 3) for part, t in parts.most_common()},
        "top_by_own_time": [{"function": f, "calls_per_turn": round(c / TURNS, 1),
                             "own_ms_per_turn": round(t / TURNS * 1000, 3),
                             "cumulative_ms_per_turn": round(cum / TURNS * 1000, 3)}
                            for t, c, cum, f in rows[:PROFILE_TOP]],
    }


def measure(make) -> dict:
    """Every turn kind on four identical databases from make(): timed, captured, replayed through the
    bare driver, and replayed through SQLAlchemy alone."""
    timed, captured, bare, engine = World(make()), World(make()), World(make()), World(make())
    gc.collect()
    gc.freeze()
    conn = bare_connection(bare.db)
    ping = bool(getattr(bare.db.engine.pool, "_pre_ping", False))
    out = {}
    try:
        for kind, text, payload in KINDS:
            turns = capture(captured, kind, text, payload)
            cpu = bare_cpu = engine_cpu = 0.0
            slice_ratios = []
            # Taken in alternating slices, so the columns run under the same load from moment to moment.
            for start in range(0, TURNS, SLICE):
                part = turns[start:start + SLICE]
                turn_part = timed.turns(kind, text, payload, residents=range(start, min(TURNS, start + SLICE)))
                bare_part = replay(conn, part, ping and bare.db.is_postgres)
                engine_cpu += engine_replay(engine.db, part)
                cpu, bare_cpu = cpu + turn_part, bare_cpu + bare_part
                if bare_part:
                    slice_ratios.append(turn_part / bare_part)
            counts = [len(t) for t in turns]
            out[kind] = {
                "cpu_ms_per_turn": round(cpu / TURNS * 1000, 3),
                "bare_driver_cpu_ms_per_turn": round(bare_cpu / TURNS * 1000, 3),
                "ratio": round(cpu / bare_cpu, 2) if bare_cpu else None,
                "ratio_median_of_slices": round(statistics.median(slice_ratios), 2) if slice_ratios else None,
                "sqlalchemy_replay_cpu_ms_per_turn": round(engine_cpu / TURNS * 1000, 3),
                "sqlalchemy_replay_ratio": round(engine_cpu / bare_cpu, 2) if bare_cpu else None,
                "statements_per_turn": round(sum(counts) / len(counts), 2),
                "statements_max": max(counts),
                "duplicate_statements": duplicates(turns),
            }
        out["example_signup_seat_statements"] = [s for s, _, _ in capture_one(captured)]
        out["profile_signup_seat"] = profile(timed)
    finally:
        conn.close()
        for world in (timed, captured, bare, engine):
            world.db.dispose()
        gc.unfreeze()
    return out


def capture_one(world: World) -> list[tuple]:
    """The statements of one confirmed sign-up, for the reader."""
    world.dialogs.take_turn(Incoming("bench", "one-more", text="/start"))
    turns: list[list[tuple]] = [[]]

    def record(conn, cursor, statement, parameters, context, executemany):
        turns[0].append((" ".join(statement.split())[:160], parameters, executemany))

    event.listen(world.db.engine, "before_cursor_execute", record)
    try:
        world.dialogs.take_turn(Incoming("bench", "one-more", payload=f"suy:{SEAT}", update_key="one-more"))
    finally:
        event.remove(world.db.engine, "before_cursor_execute", record)
    return turns[0]


def main() -> None:
    out = {"turns_per_kind": TURNS}
    with tempfile.TemporaryDirectory() as tmp:
        files = iter(range(10))
        out["sqlite"] = measure(lambda: Database(f"sqlite:///{tmp}/turns{next(files)}.db"))
    pg_url = os.environ.get("LINLI_BENCH_DATABASE_URL") or os.environ.get("LINLI_TEST_DATABASE_URL")
    if pg_url:
        schemas: list[PostgresSchema] = []

        def make() -> Database:
            schemas.append(PostgresSchema(Database(pg_url).url))
            return Database(schemas[-1].url, pool_size=2)
        try:
            out["postgresql"] = measure(make)
        finally:
            for schema in schemas:
                schema.drop()
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
