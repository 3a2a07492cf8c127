"""A notice to 100,000 subscribed residents and 1,000 groups: queued in one pass, then drained.

On a scratch database (PostgreSQL: a database of its own, created and dropped here; SQLite: a
temporary file) the residents, their Telegram accounts and subscriptions and the bound groups are
written, then `create_notice` queues the notice as the 发通知 dialog does (the groups in multi-row
inserts, the subscribers by one INSERT … SELECT),
timed in CPU of this process. For comparison, a sample of the same rows is queued one INSERT at
a time (the earlier path) and rolled back. Queuing the notice again must add nothing.

Then one worker process — the Telegram Bot and limiter as `linli serve` builds them, booking
the shared send limits — drains the outbox for `--drain-seconds` at Telegram's 30/s; the fake Bot
API runs in its own process and records every message's arrival and chat. Judged: the achieved
rate / the permitted one (≥ 0.9), nothing lost (every row marked sent arrived, every row is
still there), nothing doubled (no chat got two), enqueue CPU ≤ 10 s. Prints JSON.

    LINLI_TEST_DATABASE_URL=postgresql://... python bench/broadcast.py [--databases postgres,sqlite]
        [--residents 100000] [--groups 1000] [--drain-seconds 60] [--rate 30]
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
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, func, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bot.clock import utcnow  # noqa: E402
from bot.messages import Reply  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from store.models import ChannelAccount, CommunityGroup, NoticeSubscription, OutboxMessage, Resident  # noqa: E402
from store.models.notices import ALL  # noqa: E402
from store.models.outbox import PENDING, SENT  # noqa: E402
from tests.support.send_windows import achieved_rate, most_in_any_window  # noqa: E402

COMMUNITY = "幸福社区"
FIRST_ID = 1_000_000          # explicit ids, far from what the sequences hand out
FIRST_CHAT = 300_000_000
FIRST_GROUP_CHAT = -1_000_000_000
SAMPLE = 5_000                # rows queued one INSERT at a time, for the before/after figure
FILL_BATCH = 5_000


def settings_for(url: str, port: int, rate: float, batch: int | None = None):
    """The shipped settings on the bench database, Telegram on the fake at the given limit."""
    from tests.support.databases import TEST_PHONE_KEY
    extra = {"LINLI_SCHEDULER__BATCH_SIZE": str(batch)} if batch else {}
    return load_settings({**extra,
        "LINLI_CONFIG": str(ROOT / "settings.toml"), "LINLI_DATABASE__URL": url,
        "LINLI_DATABASE__POOL_SIZE": "4", "LINLI_GENERAL__DEMO_ON_EMPTY": "false",
        "LINLI_PRIVACY__PHONE_KEY": TEST_PHONE_KEY, "LINLI_TELEGRAM__TOKEN": "123456:TEST-TOKEN",
        "LINLI_TELEGRAM__BASE_URL": f"http://127.0.0.1:{port}/bot",
        "LINLI_TELEGRAM__BASE_FILE_URL": f"http://127.0.0.1:{port}/file/bot",
        "LINLI_TELEGRAM__RATE_OVERALL_PER_SECOND": str(rate),
        "LINLI_SCHEDULER__QUIET_START": "00:00", "LINLI_SCHEDULER__QUIET_END": "00:00"})


# -- the fake Bot API, in its own process ----------------------------------------------------------

async def _serve_fake(conn) -> None:
    from tests.fakes.telegram_api import FakeBotApi
    api = await FakeBotApi().start()
    conn.send(api.port)
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    sent = [(c.at, c.params["chat_id"]) for c in api.calls if c.method == "sendMessage" and c.status == 200]
    await api.stop()
    conn.send(sent)


def fake_process(conn) -> None:
    """Entry point of the process that plays Telegram."""
    asyncio.run(_serve_fake(conn))


# -- the worker process ----------------------------------------------------------------------------

async def _drain(url: str, port: int, rate: float, seconds: float, batch: int | None, conn) -> None:
    from bot.app import build_dialogs, build_worker
    from bot.handlers.telegram.adapter import build_application
    from bot.handlers.telegram.sender import TelegramSender
    settings = settings_for(url, port, rate, batch)
    dialogs = build_dialogs(settings, with_demo=False)
    app = build_application(dialogs, settings)
    await app.initialize()
    worker = build_worker(dialogs.db, settings, {"telegram": TelegramSender(app.bot)})
    conn.send("ready")
    cpu, started, sent = time.process_time(), time.monotonic(), 0

    async def ticks() -> None:
        nonlocal sent
        while not worker.stopping:
            result = await worker.tick()
            sent += result.sent
            if not result.claimed:
                await asyncio.sleep(0.2)

    running = asyncio.create_task(ticks())
    await asyncio.sleep(seconds)
    await worker.release_claimed()  # rows claimed and not started go back, the one in flight finishes
    await running
    cpu = time.process_time() - cpu
    await app.shutdown()
    dialogs.db.dispose()
    conn.send((sent, cpu, time.monotonic() - started))


def worker_process(url: str, port: int, rate: float, seconds: float, batch: int | None, conn) -> None:
    """Entry point of the worker."""
    asyncio.run(_drain(url, port, rate, seconds, batch, conn))


# -- the district ----------------------------------------------------------------------------------

def fill(db, residents: int, groups: int) -> int:
    """Residents with Telegram accounts, all subscribed; bound groups. Returns the author's id."""
    now = utcnow()
    with db.engine.begin() as conn:
        def rows(table, make, n):
            for start in range(0, n, FILL_BATCH):
                conn.execute(table.insert(), [make(i) for i in range(start, min(n, start + FILL_BATCH))])

        total = residents + groups + 1
        rows(Resident.__table__, lambda i: dict(id=FIRST_ID + i, display_name=f"居民{i}", reminders_on=True,
                                                community=COMMUNITY, created_at=now), total)
        rows(ChannelAccount.__table__, lambda i: dict(
            id=FIRST_ID + i, channel="telegram", resident_id=FIRST_ID + i, unreachable=False,
            external_id=str(FIRST_CHAT + i if i < residents else FIRST_GROUP_CHAT - i),
            created_at=now, last_seen_at=now), residents + groups)
        rows(NoticeSubscription.__table__, lambda i: dict(resident_id=FIRST_ID + i, community=COMMUNITY,
                                                          created_at=now), residents)
        rows(CommunityGroup.__table__, lambda j: dict(
            account_id=FIRST_ID + residents + j, community=COMMUNITY, grid=f"第{j % 20 + 1}网格",
            title=f"{j}号楼群", active=True, bound_at=now, created_at=now), groups)
    return FIRST_ID + residents + groups  # the grid worker who writes the notice


def count_inserts(db):
    """A list that collects the outbox INSERTs issued while the listener is attached."""
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX"):
            seen.append(statement)
    return seen, listen


def enqueue(db, author: int) -> dict:
    """The notice queued as the dialog does; then the one-at-a-time sample; then queued again."""
    from store.notices import (Target, create_notice, queue_notice, queue_subscribers, target_groups,
                               target_subscribers)
    from store.outbox import enqueue as enqueue_one
    reply = Reply(f"【{COMMUNITY}通知】\n周六上午九点起停水，请提前储水。")
    now = utcnow()
    inserts, listen = count_inserts(db)
    event.listen(db.engine, "before_cursor_execute", listen)
    cpu, wall = time.process_time(), time.perf_counter()
    with db.session() as s:
        notice = create_notice(s, author_id=author, text=reply.text, target=Target(ALL), send_at=now,
                               urgent=True, payload=reply.to_dict(), now=now)
        nid, queued = notice.id, notice.groups + notice.subscribers
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    event.remove(db.engine, "before_cursor_execute", listen)

    with Session(db.engine) as s:  # the earlier path, one INSERT per row, on a sample; rolled back
        ids = target_subscribers(s, Target(ALL))[:SAMPLE]
        one_cpu = time.process_time()
        for rid in ids:
            enqueue_one(s, idem_key=f"sample:{rid}", kind="notice", payload=reply.to_dict(), due_at=now,
                        resident_id=rid, urgent=True)
        one_cpu = time.process_time() - one_cpu
        s.rollback()

    with db.session() as s:  # queued again, as a retried step would: nothing new
        from store.models import Notice
        again = s.get(Notice, nid)
        pairs = target_groups(s, Target(ALL))
        recipients = [(f"notice:{nid}:group:{g.id}", a.resident_id, a.id) for g, a in pairs]
        requeued = (queue_notice(s, again, recipients, reply.to_dict())
                    + queue_subscribers(s, again, Target(ALL), reply.to_dict()))
    with db.session() as s:
        rows = s.exec(select(func.count(), func.count(func.distinct(OutboxMessage.idem_key))).where(
            OutboxMessage.idem_key.startswith(f"notice:{nid}:"))).one()
    per_row_multi = cpu / max(1, queued)
    per_row_single = one_cpu / max(1, len(ids))
    return {"notice_id": nid, "rows_queued": queued, "rows_in_outbox": rows[0], "distinct_keys": rows[1],
            "requeued_rows_added": requeued, "insert_statements": len(inserts),
            "cpu_seconds": round(cpu, 2), "wall_seconds": round(wall, 2),
            "cpu_us_per_row": round(per_row_multi * 1e6, 1),
            "one_insert_per_row_cpu_us_per_row": round(per_row_single * 1e6, 1),
            "one_insert_per_row_cpu_seconds_extrapolated": round(per_row_single * queued, 1),
            "speedup_vs_one_insert_per_row": round(per_row_single / per_row_multi, 1) if per_row_multi else None,
            "target_cpu_seconds": 10.0}


def sent_to(db, nid: int) -> set[str]:
    """The chats of the notice's rows marked sent."""
    with db.session() as s:
        return set(s.exec(select(ChannelAccount.external_id).join(
            OutboxMessage, (OutboxMessage.account_id == ChannelAccount.id)
            | ((OutboxMessage.account_id == None) & (OutboxMessage.resident_id == ChannelAccount.resident_id)))  # noqa: E711
            .where(OutboxMessage.idem_key.startswith(f"notice:{nid}:"), OutboxMessage.status == SENT)).all())


def drain(db, url: str, nid: int, rate: float, seconds: float, batch: int | None = None) -> dict:
    """One worker drains for `seconds`; rate, lost and doubled counted at the fake and in the table."""
    before = sent_to(db, nid)
    ctx = multiprocessing.get_context("spawn")
    fake, theirs = ctx.Pipe()
    server = ctx.Process(target=fake_process, args=(theirs,))
    server.start()
    port = fake.recv()
    ours, mine = ctx.Pipe()
    proc = ctx.Process(target=worker_process, args=(url, port, rate, seconds, batch, mine))
    proc.start()
    ours.recv()
    sent, cpu, elapsed = ours.recv()
    proc.join(30)
    fake.send("stop")
    received = fake.recv()
    server.join(10)
    times = [at for at, _ in received]
    chats = Counter(str(chat) for _, chat in received)
    with db.session() as s:
        statuses = dict(s.exec(select(OutboxMessage.status, func.count()).where(
            OutboxMessage.idem_key.startswith(f"notice:{nid}:")).group_by(OutboxMessage.status)).all())
    sent_chats = sent_to(db, nid) - before  # the rows this drain marked sent
    achieved = achieved_rate(times, rate)
    return {"seconds": seconds, "batch_size": batch or settings_for(url, port, rate).scheduler.batch_size,
            "permitted_per_second": rate, "received": len(received),
            "achieved_per_second": round(achieved, 2), "ratio": round(achieved / rate, 3),
            "max_in_any_1s_window": most_in_any_window(times, 1.0),
            "rows_marked_sent": len(sent_chats), "outbox_status": statuses,
            "lost": len(sent_chats - set(chats)),  # marked sent, never arrived
            "doubled": sum(n - 1 for n in chats.values() if n > 1),
            "arrived_unmarked": len(set(chats) - sent_chats),
            "worker_sent": sent, "worker_cpu_ms_per_send": round(cpu / max(1, sent) * 1000, 2),
            "worker_seconds": round(elapsed, 1)}


# -- databases -------------------------------------------------------------------------------------

class ScratchPostgres:
    """A database of its own on the test server, dropped afterwards."""

    def __init__(self, base_url: str):
        from sqlalchemy.engine import make_url
        self.name = f"linli_bench_bcast_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = make_url(base_url).set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def run(kind: str, tmp: str, args) -> dict:
    from tests.support.workers import migrated_database
    scratch = None
    if kind == "postgres":
        from store.db import normalise_url
        base = os.environ.get("LINLI_BENCH_DATABASE_URL") or os.environ.get("LINLI_TEST_DATABASE_URL")
        if not base:
            raise SystemExit("set LINLI_TEST_DATABASE_URL (PostgreSQL) to run this benchmark on PostgreSQL")
        scratch = ScratchPostgres(normalise_url(base))
        url = scratch.url
    else:
        url = f"sqlite:///{tmp}/broadcast.db"
    try:
        db = migrated_database(url)
        started = time.perf_counter()
        author = fill(db, args.residents, args.groups)
        out = {"fill_seconds": round(time.perf_counter() - started, 1)}
        print(f"{kind}: filled in {out['fill_seconds']} s", file=sys.stderr, flush=True)
        out["enqueue"] = enqueue(db, author)
        print(f"{kind}: queued {out['enqueue']}", file=sys.stderr, flush=True)
        out["drain"] = drain(db, url, out["enqueue"]["notice_id"], args.rate, args.drain_seconds)
        if args.batch:  # the rest of the backlog again, with another batch size per tick
            out[f"drain_batch_{args.batch}"] = drain(db, url, out["enqueue"]["notice_id"], args.rate,
                                                    args.drain_seconds, args.batch)
        db.dispose()
        return out
    finally:
        if scratch is not None:
            scratch.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="postgres")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=1_000)
    parser.add_argument("--drain-seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=30.0, help="the platform's overall limit, messages/s")
    parser.add_argument("--batch", type=int, default=0, help="also drain with this many rows claimed per tick")
    args = parser.parse_args()
    out: dict = {"residents": args.residents, "groups": args.groups, "cpus": os.cpu_count(),
                 "targets": {"enqueue_cpu_seconds": 10.0, "drain_ratio": 0.9, "lost": 0, "doubled": 0}}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.databases.split(","):
            out[kind] = run(kind, tmp, args)
    out["load_average_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
