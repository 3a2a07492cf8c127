"""Nothing lost when things break: two webhook workers, 150 updates, 429s and 502s from the Bot API,
PostgreSQL restarted and one worker killed (SIGKILL) in the middle of the storm.

Every update must get the reply it is owed. A reply may come twice only when the worker that sent
it died before recording it sent, so the doubles are bounded by the kills.
"""
from __future__ import annotations

import shutil

import pytest

from tests.support.storm import StormPlan, run_storm

# Replies a worker can have in flight (sent, not yet recorded) at the instant it is killed: the
# updates it is handling then, at 10 updates a second over two workers.
IN_FLIGHT_PER_KILL = 10

pytestmark = pytest.mark.skipif(not (shutil.which("initdb") and shutil.which("pg_ctl")),
                                reason="needs initdb and pg_ctl for a server of its own")


async def test_a_storm_through_a_database_restart_and_a_killed_worker_loses_no_reply(tmp_path):
    plan = StormPlan(updates=150, per_second=10.0, seats=20)  # bench/faults.py sends 600
    report = await run_storm(tmp_path, plan)
    logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(tmp_path.glob("worker-*.log")))
    summary = f"{report.as_dict()}\n{logs}"

    # Everything meant to break did break.
    assert report.db_restarts == 1 and report.kills == 1, summary
    assert report.send_failures_injected > 0, summary

    assert report.lost == 0, summary                       # every update answered
    assert report.delivered == report.replies_owed == plan.updates, summary
    assert report.doubled <= report.kills * IN_FLIGHT_PER_KILL, summary

    # The seats: taken exactly once each, nobody twice, every other resident waiting.
    signups = plan.updates // 2
    assert report.seats_taken == plan.seats, summary
    assert report.waiting == signups - plan.seats, summary
    assert report.residents_enrolled_twice == 0, summary
    assert report.extra["replies_seat_taken"] == plan.seats, summary
    assert report.extra["inbox_pending"] == 0, summary
