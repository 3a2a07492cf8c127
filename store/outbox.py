"""Putting pushes into the outbox, once per idempotency key."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, delete

from store.clock import utcnow

from store.models import OutboxMessage
from store.models.outbox import PENDING, SENDING

REPLY = "reply"  # the kind of an outbox row that answers a turn

_OUTBOX = OutboxMessage.__table__
# Built once per dialect; executed with one row it is a plain INSERT, with several one multi-row
# INSERT (SQLAlchemy's insertmanyvalues), rows whose key exists skipped, the new ones returned.
_INSERT = {dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(_OUTBOX).on_conflict_do_nothing(
    index_elements=["idem_key"]).returning(_OUTBOX.c.id, _OUTBOX.c.idem_key) for dialect in (postgresql, sqlite)}


def enqueue(session: Session, *, idem_key: str, kind: str, payload: dict[str, Any],
            due_at: datetime, resident_id: int | None = None, account_id: int | None = None,
            urgent: bool = False) -> bool:
    """Insert a pending push unless one with the same key exists; True when inserted."""
    return insert_once(session, pending_row(idem_key=idem_key, kind=kind, payload=payload, due_at=due_at,
                                            resident_id=resident_id, account_id=account_id,
                                            urgent=urgent)) is not None


def pending_row(*, idem_key: str, kind: str, payload: dict[str, Any], due_at: datetime,
                resident_id: int | None = None, account_id: int | None = None,
                urgent: bool = False) -> dict[str, Any]:
    """The values of a pending push, for insert_once or insert_many."""
    return dict(idem_key=idem_key, kind=kind, payload=json.dumps(payload, ensure_ascii=False),
                due_at=due_at, resident_id=resident_id, account_id=account_id, urgent=urgent,
                status=PENDING, attempts=0, last_error="", created_at=utcnow())


def insert_once(session: Session, values: dict[str, Any]) -> int | None:
    """Insert an outbox row unless its idem_key exists; the new row's id, or None."""
    return insert_many(session, [values]).get(values["idem_key"])


def insert_many(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert outbox rows (each with the same columns) in one statement, skipping keys that exist;
    the new rows' ids by key."""
    if not rows:
        return {}
    session.flush()  # rows added through the ORM first, so a key taken in this turn is seen as taken
    connection = session.connection()
    stmt = _INSERT[connection.dialect.name]
    # rowcount is -1 on PostgreSQL when RETURNING is in play; a returned id is certain.
    result = connection.execute(stmt, rows[0] if len(rows) == 1 else rows)
    return {key: row_id for row_id, key in result}


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
