"""The fault storm of tests/faults/test_storm_faults.py, with its counts, and the cost of the inbox.

Two `linli serve` webhook workers on a PostgreSQL server of their own, a fake Bot API failing a
share of sends with 429 and 502, a storm of updates (each resident sends one: /start or a press on
确认报名), PostgreSQL restarted and one worker SIGKILLed and started again mid-storm. Prints one
JSON object: updates, replies owed, delivered, lost, doubled, 5xx answered, restarts, kills,
seconds; and `inbox_cost`: CPU per update of a turn alone and of a turn with its inbox row
(stored before the answer, marked done in the turn's transaction), measured in this process on
the same kind of server. Judged by `lost` (must be 0) and `inbox_cost.ratio`.

    python bench/faults.py            (BENCH_UPDATES, default 600; BENCH_RATE per second, default 10)
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import utcnow  # noqa: E402
from bot.dialogs.engine import Dialogs  # noqa: E402
from bot.dialogs.failures import handling_stored  # noqa: E402
from bot.messages import Incoming  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from store.inbox import keep_update  # noqa: E402
from tests.support.pg_cluster import ThrowawayCluster  # noqa: E402
from tests.support.storm import StormPlan, run_storm  # noqa: E402
from tests.support.workers import migrated_database  # noqa: E402

UPDATES = int(os.environ.get("BENCH_UPDATES", 600))
RATE = float(os.environ.get("BENCH_RATE", 10))
COST_TURNS = int(os.environ.get("BENCH_COST_TURNS", 400))


def _cpu_per_turn(dialogs: Dialogs, first_user: int, with_inbox: bool) -> tuple[float, float]:
    """CPU and wall milliseconds per update over COST_TURNS first messages of new residents."""
    cpu, wall = time.process_time(), time.perf_counter()
    lease = timedelta(seconds=30)
    for n in range(COST_TURNS):
        key = str(first_user + n)
        incoming = Incoming("telegram", key, text="/start", update_key=key)
        if not with_inbox:
            dialogs.take_turn(incoming)
            continue
        now = utcnow()  # as a channel does: the row stored before the answer …
        with dialogs.db.session() as s:
            keep_update(s, "telegram", key, {"update_id": first_user + n}, now, dialogs.worker_id,
                        now + lease)
        with handling_stored("telegram", key):  # … and marked done by the turn's own transaction
            dialogs.take_turn(incoming)
    return ((time.process_time() - cpu) * 1000 / COST_TURNS,
            (time.perf_counter() - wall) * 1000 / COST_TURNS)


def inbox_cost() -> dict:
    """CPU per update without and with the inbox row, alternating rounds to share the machine's load."""
    cluster = ThrowawayCluster().start()
    try:
        db = migrated_database(cluster.url)
        settings = load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml")})
        dialogs = Dialogs(db, settings)
        _cpu_per_turn(dialogs, 10_000_000, False)  # warm-up: imports, caches, pool
        rounds = {False: [], True: []}
        for r in range(2):
            for with_inbox in (False, True):
                rounds[with_inbox].append(_cpu_per_turn(dialogs, 20_000_000 + r * 2_000_000
                                                        + with_inbox * 1_000_000, with_inbox))
        db.dispose()
    finally:
        cluster.stop()
    bare = min(cpu for cpu, _ in rounds[False])
    kept = min(cpu for cpu, _ in rounds[True])
    return {"turn_cpu_ms": round(bare, 2), "turn_with_inbox_cpu_ms": round(kept, 2),
            "inbox_cpu_ms_per_update": round(kept - bare, 2), "ratio": round(kept / bare, 3),
            "turn_wall_ms": round(min(w for _, w in rounds[False]), 2),
            "turn_with_inbox_wall_ms": round(min(w for _, w in rounds[True]), 2)}


def main() -> None:
    plan = StormPlan(updates=UPDATES, per_second=RATE, seats=max(20, UPDATES // 15),
                     reply_timeout=180.0)
    with tempfile.TemporaryDirectory(prefix="linli-faults-") as tmp:
        report = asyncio.run(run_storm(Path(tmp), plan))
    out = report.as_dict()
    out["inbox_cost"] = inbox_cost()
    out["load_average"] = os.getloadavg()[0]
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
