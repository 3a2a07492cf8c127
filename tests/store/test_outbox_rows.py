"""Outbox rows inserted by one statement, whatever their number: new keys get ids, known keys are skipped."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from store.models import OutboxMessage
from store.outbox_rows import SMALL, insert_rows
from store.people import get_or_create_account

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


def test_values_shared_by_every_row_and_values_that_differ_are_both_stored(db):
    with db.session() as s:
        account, _ = get_or_create_account(s, "test", "zhang", "张阿姨")
        resident_id, account_id = account.resident_id, account.id
    given = [{"idem_key": f"mixed:{i}", "kind": "reminder" if i % 3 else "poll", "resident_id": resident_id,
              "account_id": None if i % 2 else account_id, "payload": '{"text": "明天上课"}',
              "due_at": datetime(2026, 12, 1, 9, i), "urgent": False, "status": "pending",
              "attempts": 0, "last_error": "", "created_at": DUE} for i in range(SMALL + 5)]
    with db.session() as s:
        ids = insert_rows(s.connection(), given)
    with db.session() as s:
        stored = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.id for r in stored] == [ids[f"mixed:{i}"] for i in range(len(given))]
    assert [(r.kind, r.resident_id, r.account_id, r.payload, r.due_at, r.urgent, r.attempts, r.created_at)
            for r in stored] == [(g["kind"], resident_id, g["account_id"], '{"text": "明天上课"}', g["due_at"], False, 0, DUE)
                                 for g in given]
