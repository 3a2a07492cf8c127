"""The inbox of incoming updates: kept before the platform is answered, taken over when a worker fails.

A worker keeps an update (one short transaction) before it answers the platform, holding it for
a lease. It handles the update right away and marks it done; while the lease lasts it retries
a failure itself. Once the lease has run out, any worker's sweep takes the update over. Handling
an update twice is harmless: the turn's mark (pending → done) is its claim, so only one turn of
the update commits an answer.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, select

from store.db import Database
from store.insert_new import insert_new_by_dialect
from store.models.inbox import DONE, PENDING, InboundUpdate
from store.prepared import Prepared, connection_of


_INBOUND = InboundUpdate.__table__
# Built once (per dialect): every update a webhook or callback receives is kept by it.
_KEEP = {name: Prepared(statement, columns=("channel", "update_key", "payload", "status", "attempts", "lease_until",
                                             "claimed_by", "received_at"))
         for name, statement in insert_new_by_dialect(_INBOUND, ["channel", "update_key"], _INBOUND.c.channel).items()}


def _mark_done(keys):
    """The UPDATE marking a channel's pending updates done, those the condition on update_key picks."""
    return (update(_INBOUND).where(_INBOUND.c.channel == bindparam("of_channel"), keys, _INBOUND.c.status == PENDING)
            .values(status=DONE, done_at=bindparam("now"), lease_until=bindparam("now")))


_DONE = _mark_done(_INBOUND.c.update_key.in_(bindparam("keys", expanding=True)))
# Every turn of a kept update marks its own one key: run on the driver's cursor.
_DONE_ONE = Prepared(_mark_done(_INBOUND.c.update_key == bindparam("key")))


def keep_update(session: Session, channel: str, update_key: str, payload: dict[str, Any],
                now: datetime, worker_id: str, lease_until: datetime) -> bool:
    """Store an update, held by this worker until lease_until; False when it was already stored."""
    connection = connection_of(session)
    return _KEEP[connection.dialect.name].first(connection, {
        "channel": channel, "update_key": update_key[:160], "payload": json.dumps(payload, ensure_ascii=False),
        "status": PENDING, "attempts": 0, "lease_until": lease_until, "claimed_by": worker_id,
        "received_at": now}) is not None


def mark_done(session: Session, channel: str, update_keys: list[str], now: datetime) -> int:
    """Record updates as handled; how many were still pending."""
    if not update_keys:
        return 0
    if len(update_keys) == 1:
        return _DONE_ONE.count(connection_of(session), {"of_channel": channel, "key": update_keys[0][:160], "now": now})
    return connection_of(session).execute(_DONE, {
        "of_channel": channel, "keys": [key[:160] for key in update_keys], "now": now}).rowcount


def take_over(db: Database, channel: str, now: datetime, lease_seconds: float, worker_id: str,
              limit: int) -> list[InboundUpdate]:
    """Claim up to `limit` pending updates whose lease ran out, oldest first, each counted an attempt."""
    with db.session() as session:
        stmt = (select(InboundUpdate.update_key)
                .where(InboundUpdate.status == PENDING, InboundUpdate.lease_until < now,
                       InboundUpdate.channel == channel)
                .order_by(InboundUpdate.received_at).limit(limit))
        if db.is_postgres:  # rows another worker is taking over are skipped, not waited for
            stmt = stmt.with_for_update(skip_locked=True)
        keys = list(session.exec(stmt))
        if not keys:
            return []
        rows = session.scalars(
            update(InboundUpdate)
            .where(InboundUpdate.channel == channel, InboundUpdate.update_key.in_(keys))
            .values(lease_until=now + timedelta(seconds=lease_seconds), claimed_by=worker_id,
                    attempts=InboundUpdate.attempts + 1)
            .returning(InboundUpdate)
            .execution_options(synchronize_session=False)).all()
        for row in rows:
            session.expunge(row)
        return sorted(rows, key=lambda row: row.received_at)


def load_payload(row: InboundUpdate) -> dict[str, Any]:
    """The stored update as a dict."""
    return json.loads(row.payload)


def prune_done(session: Session, before: datetime) -> int:
    """Forget updates handled before `before`; how many."""
    result = session.execute(delete(InboundUpdate).where(
        InboundUpdate.status == DONE, InboundUpdate.done_at < before))
    return result.rowcount
