"""Putting pushes into the outbox, once per idempotency key."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, Select, String, cast, literal, select, true
from sqlmodel import Session, delete

from store.clock import utcnow

from store.insert_new import dialect_insert
from store.models import OutboxMessage
from store.models.outbox import PENDING, SENDING
from store.outbox_rows import insert_rows
from store.prepared import connection_of

REPLY = "reply"  # the kind of an outbox row that answers a turn
# Rows per INSERT of a broadcast: one array per column on PostgreSQL; on SQLite 11 parameters
# a row, well under its 32,766.
BATCH_ROWS = 1000

Recipient = tuple[str, int | None, int | None]  # (idem_key, resident_id, account_id)

def enqueue(session: Session, *, idem_key: str, kind: str, payload: dict[str, Any],
            due_at: datetime, resident_id: int | None = None, account_id: int | None = None,
            urgent: bool = False) -> bool:
    """Insert a pending push unless one with the same key exists; True when inserted."""
    return insert_once(session, pending_row(idem_key=idem_key, kind=kind, payload=payload, due_at=due_at,
                                            resident_id=resident_id, account_id=account_id,
                                            urgent=urgent)) is not None


def pending_row(*, idem_key: str, kind: str, payload: dict[str, Any] | str, due_at: datetime,
                resident_id: int | None = None, account_id: int | None = None,
                urgent: bool = False, created_at: datetime | None = None) -> dict[str, Any]:
    """The values of a pending push, for insert_once or insert_many (a str payload is JSON already)."""
    return dict(idem_key=idem_key, kind=kind,
                payload=payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False),
                due_at=due_at, resident_id=resident_id, account_id=account_id, urgent=urgent,
                status=PENDING, attempts=0, last_error="", created_at=created_at or utcnow())


def enqueue_many(session: Session, *, kind: str, payload: dict[str, Any], due_at: datetime,
                 recipients: list[Recipient], urgent: bool = False) -> int:
    """One pending push per recipient, in multi-row inserts; keys that exist are skipped.

    Returns how many rows were inserted, so running it again for the same keys inserts none."""
    text = json.dumps(payload, ensure_ascii=False)
    now = utcnow()
    connection = connection_of(session)
    inserted = 0
    for start in range(0, len(recipients), BATCH_ROWS):
        rows = [dict(idem_key=key[:160], kind=kind, payload=text, due_at=due_at, resident_id=resident_id,
                     account_id=account_id, urgent=urgent, status=PENDING, attempts=0, last_error="",
                     created_at=now)
                for key, resident_id, account_id in recipients[start:start + BATCH_ROWS]]
        inserted += len(insert_rows(connection, rows))
    return inserted


def enqueue_for_residents(session: Session, *, key_prefix: str, residents: Select, kind: str,
                          payload: dict[str, Any], due_at: datetime, urgent: bool = False) -> int:
    """One pending push per resident id the query selects (idem_key = key_prefix + id), written by
    one INSERT … SELECT in the database; keys that exist are skipped. How many were inserted."""
    table = OutboxMessage.__table__
    found = residents.subquery()
    resident_id = found.c[0]
    now = utcnow()
    rows = select(
        (literal(key_prefix, String) + cast(resident_id, String)).label("idem_key"),
        literal(kind, String), resident_id, literal(json.dumps(payload, ensure_ascii=False), String),
        literal(due_at, DateTime), literal(urgent, Boolean), literal(PENDING, String),
        literal(0, Integer), literal("", String), literal(now, DateTime),
    ).where(true()).order_by(resident_id)  # SQLite needs a WHERE before ON CONFLICT
    stmt = dialect_insert(session)(table).from_select(
        ["idem_key", "kind", "resident_id", "payload", "due_at", "urgent", "status", "attempts",
         "last_error", "created_at"], rows).on_conflict_do_nothing(index_elements=["idem_key"])
    # Counted from RETURNING: the driver's rowcount is -1 here on PostgreSQL.
    return len(connection_of(session).execute(stmt.returning(table.c.id)).all())


def insert_once(session: Session, values: dict[str, Any]) -> int | None:
    """Insert an outbox row unless its idem_key exists; the new row's id, or None."""
    return insert_many(session, [values]).get(values["idem_key"])


def insert_many(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert outbox rows (each with the same columns) in one statement, skipping keys that exist;
    the new rows' ids by key."""
    if not rows:
        return {}
    session.flush()  # rows added through the ORM first, so a key taken in this turn is seen as taken
    return insert_rows(connection_of(session), rows)


def drop_pending(session: Session, key_prefix: str) -> int:
    """Remove pending pushes whose key starts with a prefix; returns how many."""
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == PENDING, OutboxMessage.idem_key.startswith(key_prefix)))
    return result.rowcount


def owe_replies(session: Session, *, key_prefix: str, payloads: list[dict[str, Any]],
                account_id: int, now: datetime, worker_id: str,
                lease_until: datetime) -> list[int]:
    """Write a turn's replies as rows this worker already holds (sending, leased); their ids in order.

    Written in the turn's transaction: if the worker dies before sending, the lease runs out and
    the tick sends them, so a committed turn never loses its answer."""
    rows = [dict(idem_key=f"{key_prefix}:{index}"[:160], kind=REPLY,
                 payload=json.dumps(payload, ensure_ascii=False), due_at=now, account_id=account_id,
                 urgent=True, status=SENDING, attempts=1, last_error="", lease_until=lease_until,
                 claimed_by=worker_id, created_at=now) for index, payload in enumerate(payloads)]
    ids = insert_many(session, rows)
    return [ids[row["idem_key"]] for row in rows if row["idem_key"] in ids]


def drop_pending_key(session: Session, idem_key: str) -> int:
    """Remove the pending push with exactly this key; returns how many (0 or 1)."""
    result = session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == PENDING, OutboxMessage.idem_key == idem_key))
    return result.rowcount
