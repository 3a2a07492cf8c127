"""Outbox rows inserted by one statement, whatever their number: new keys get ids, known keys are skipped."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from store.models import OutboxMessage
from store.outbox_rows import SMALL, insert_rows

DUE = datetime(2026, 12, 1, 9, 0)


def rows(prefix: str, n: int) -> list[dict]:
    return [{"idem_key": f"{prefix}:{i}", "kind": "notice", "payload": f'{{"text": "通知{i}"}}',
             "due_at": DUE, "urgent": i % 2 == 0, "status": "pending", "attempts": 0, "last_error": "",
             "created_at": DUE} for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, SMALL, SMALL + 1, 9])
def test_every_row_is_stored_once_with_its_columns_and_its_id_returned(db, n):
    with db.session() as s:
        ids = insert_rows(s.connection(), rows("batch", n))
    with db.session() as s:
        stored = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {r.idem_key: r.id for r in stored} == ids
    assert [r.idem_key for r in stored] == [f"batch:{i}" for i in range(n)]
    assert [r.urgent for r in stored] == [i % 2 == 0 for i in range(n)]
    assert all(r.resident_id is None and r.lease_until is None and r.due_at == DUE for r in stored)


@pytest.mark.parametrize("n", [1, SMALL, SMALL + 2])
def test_rows_whose_key_exists_are_skipped_and_get_no_id(db, n):
    with db.session() as s:
        insert_rows(s.connection(), rows("batch", 1))
    with db.session() as s:
        ids = insert_rows(s.connection(), rows("batch", n))
    with db.session() as s:
        assert len(s.exec(select(OutboxMessage)).all()) == n
    assert sorted(ids) == [f"batch:{i}" for i in range(1, n)]
