"""Outbox tick cost with 1,000 and with 1,000,000 pending future pushes and the same 100 due ones.

PostgreSQL only (LINLI_TEST_DATABASE_URL or LINLI_DATABASE__URL). Works in a private schema that
is dropped afterwards. Prints JSON: median tick and claim times per case and their ratio.

    python bench/outbox_tick.py [--reps 9]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.support.clock import ManualClock  # noqa: E402
from bot.settings import Settings  # noqa: E402
from scheduler.outbox_worker import OutboxWorker  # noqa: E402
from bot.app import build_worker
from store.db import Database, normalise_url  # noqa: E402
from store.models import ChannelAccount, Resident  # noqa: E402
from store.outbox_claims import claim_due, release  # noqa: E402

NOW = datetime(2026, 12, 1, 4, 0)  # noon in Shanghai: outside quiet hours
DUE = 100
SMALL, LARGE = 1_000, 1_000_000
RESIDENTS = 10_000  # pending pushes spread over many people, as in a district

INSERT_ROWS = """
INSERT INTO outbox (idem_key, kind, resident_id, account_id, payload, due_at, urgent, status,
                    attempts, last_error, created_at)
SELECT :prefix || g, 'notice', :first_resident + g % :residents, :account, '{"text": "通知"}',
       CAST(:first AS timestamp) + g * CAST(:step AS interval), false, 'pending', 0, '', now()
FROM generate_series(CAST(:start AS integer), CAST(:stop AS integer)) AS g
"""


class NoopSender:
    """Accepts every push at once."""

    channel = "bench"

    async def send(self, external_id, reply) -> None:
        return None


def schema_url(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


def insert(db: Database, ids: dict, prefix: str, start: int, stop: int, first: datetime, step: str) -> None:
    with db.session() as s:
        s.execute(text(INSERT_ROWS), dict(prefix=prefix, start=start, stop=stop, first=first,
                                          step=step, **ids))


def vacuum(admin, schema: str) -> None:
    """Tidy up between rounds (and flush dirty pages when allowed), so rounds start alike."""
    with admin.connect() as conn:
        conn.execute(text(f'VACUUM ANALYZE "{schema}".outbox'))
        try:
            conn.execute(text("CHECKPOINT"))
        except Exception:  # noqa: BLE001  (needs a privileged role; the bench runs without it)
            pass


def reset_due(db: Database) -> None:
    with db.session() as s:
        s.execute(text("UPDATE outbox SET status = 'pending', attempts = 0, sent_at = NULL, "
                       "lease_until = NULL, claimed_by = NULL WHERE idem_key LIKE 'due:%' "
                       "AND due_at <= :now"), {"now": NOW})


def claim_plan(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.execute(text(
            "EXPLAIN SELECT id FROM outbox WHERE status IN ('pending', 'failed') AND due_at <= :now "
            "ORDER BY due_at, id LIMIT 100 FOR UPDATE SKIP LOCKED"), {"now": NOW}).scalars())


async def measure(db: Database, admin, schema: str, settings: Settings, reps: int) -> dict:
    ticks, claims = [], []
    for rep in range(reps + 1):
        reset_due(db)
        vacuum(admin, schema)
        started = time.perf_counter()
        rows = claim_due(db, NOW, DUE, 120, "bench-claim")
        claimed_in = time.perf_counter() - started
        release(db, [r.id for r in rows], "bench-claim")
        worker = build_worker(db, settings, {"bench": NoopSender()}, ManualClock(NOW))
        started = time.perf_counter()
        result = await worker.tick()
        ticked_in = time.perf_counter() - started
        assert len(rows) == DUE and result.sent == DUE, (len(rows), result)
        if rep:  # the first round warms caches and connections
            ticks.append(ticked_in)
            claims.append(claimed_in)
    return {"tick_ms": round(statistics.median(ticks) * 1000, 2),
            "claim_ms": round(statistics.median(claims) * 1000, 2),
            "tick_ms_all": [round(t * 1000, 1) for t in ticks]}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    url = os.environ.get("LINLI_TEST_DATABASE_URL") or os.environ.get("LINLI_DATABASE__URL")
    if not url or not normalise_url(url).startswith("postgresql"):
        sys.exit("set LINLI_TEST_DATABASE_URL (or LINLI_DATABASE__URL) to a PostgreSQL URL")
    url = normalise_url(url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(schema_url(url, schema), pool_size=20)
    try:
        db.create_all()
        with db.session() as s:
            s.add_all([Resident(display_name=f"r{n}") for n in range(RESIDENTS)])
            s.flush()
            first = s.execute(text("SELECT min(id) FROM resident")).scalar_one()
            account = ChannelAccount(channel="bench", external_id="1", resident_id=first)
            s.add(account)
            s.flush()
            ids = {"first_resident": first, "residents": RESIDENTS, "account": account.id}
        settings = Settings()
        insert(db, ids, "due:", 1, DUE, NOW - timedelta(hours=1), "1 second")
        future = NOW + timedelta(days=1)
        insert(db, ids, "future:", 1, SMALL, future, "1 second")
        small = await measure(db, admin, schema, settings, args.reps)
        started = time.perf_counter()
        insert(db, ids, "future:", SMALL + 1, LARGE, future, "1 second")
        fill_seconds = time.perf_counter() - started
        large = await measure(db, admin, schema, settings, args.reps)
        plan = claim_plan(db)
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    print(json.dumps({
        "due_rows": DUE,
        "pending_1k": small,
        "pending_1m": large,
        "ratio_tick": round(large["tick_ms"] / small["tick_ms"], 2),
        "ratio_claim": round(large["claim_ms"] / small["claim_ms"], 2),
        "target_ratio": 2,
        "fill_999k_seconds": round(fill_seconds, 1),
        "claim_plan_1m": [line.strip() for line in plan],
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
