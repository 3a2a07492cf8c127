"""`linli outbox`: what is still owed, and the dead letters, one line each in local time."""
from __future__ import annotations

import io
from datetime import timedelta

from bot.cli.outbox import print_outbox
from store.models import ChannelAccount, Resident
from store.outbox import enqueue
from store.outbox_claims import claim_due, mark_dead
from tests.conftest import START  # 08:00 in Shanghai


def listing(db, dead_only: bool) -> list[str]:
    out = io.StringIO()
    print_outbox(db, dead_only, out, timezone_name="Asia/Shanghai")
    return out.getvalue().splitlines()


def test_waiting_and_dead_rows(sqlite_db):
    db = sqlite_db
    with db.session() as s:
        resident = Resident(display_name="孙奶奶")
        s.add(resident)
        s.flush()
        account = ChannelAccount(channel="telegram", external_id="777", resident_id=resident.id)
        s.add(account)
        s.flush()
        enqueue(s, idem_key="a", kind="reminder", payload={"text": "a"}, due_at=START,
                resident_id=resident.id, account_id=account.id)
        enqueue(s, idem_key="b", kind="poll", payload={"text": "b"},
                due_at=START + timedelta(hours=2), resident_id=resident.id)
    [row] = claim_due(db, START, 1, 60, "w")
    with db.session() as s:
        mark_dead(s, row.id, "w", "unreachable: Forbidden:\nbot was blocked")

    waiting = listing(db, dead_only=False)
    assert waiting[0] == "# pending 1  sending 0  failed 0  held 0  dead 1"
    [line] = waiting[2:]
    assert "poll" in line and "2026-12-01 10:00" in line and "pending" in line
    assert f"resident:{resident.id}" in line

    dead = listing(db, dead_only=True)
    [line] = dead[2:]
    assert "reminder" in line and "2026-12-01 08:00" in line and "telegram:777" in line
    assert line.endswith("unreachable: Forbidden: bot was blocked")
    assert line.split()[4:6] == ["dead", "1"]  # status, attempts
