"""Putting pushes into the outbox, once per idempotency key."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, delete

from store.clock import utcnow

from store.models import OutboxMessage
from store.models.outbox import PENDING


def enqueue(session: Session, *, idem_key: str, kind: str, payload: dict[str, Any],
            due_at: datetime, resident_id: int | None = None, account_id: int | None = None,
            urgent: bool = False) -> bool:
    """Insert a pending push unless one with the same key exists; True when inserted."""
    values = dict(
        idem_key=idem_key, kind=kind, payload=json.dumps(payload, ensure_ascii=False),
        due_at=due_at, resident_id=resident_id, account_id=account_id, urgent=urgent,
        status=PENDING, attempts=0, last_error="", created_at=utcnow(),
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(OutboxMessage).values(**values).on_conflict_do_nothing(
        index_elements=["idem_key"]).returning(OutboxMessage.id)
    # rowcount is -1 on PostgreSQL when RETURNING is in play; a returned id is certain.
    return session.execute(stmt).first() is not None


def drop_pending(session: Session, key_prefix: str) -> int:
    """Remove pending pushes whose key starts with a prefix; returns how many."""
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == PENDING, OutboxMessage.idem_key.startswith(key_prefix)))
    return result.rowcount


def drop_pending_key(session: Session, idem_key: str) -> int:
    """Remove the pending push with exactly this key; returns how many (0 or 1)."""
    result = session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == PENDING, OutboxMessage.idem_key == idem_key))
    return result.rowcount
