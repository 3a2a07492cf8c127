"""Claiming due outbox rows and recording what became of them, safely across several workers.

A claim sets a row to `sending` with a lease (lease_until, claimed_by) and counts the attempt.
Every outcome update is guarded by that lease: a worker whose lease expired and whose row was
taken over by another worker changes nothing. Failed rows keep their next retry time in due_at,
so one (status, due_at) index finds everything that is due.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Update, bindparam, update
from sqlmodel import Session, select

from store.db import Database
from store.models import ChannelAccount, OutboxMessage
from store.models.outbox import DEAD, FAILED, HELD, PENDING, SENDING, SENT, SKIPPED
from store.prepared import connection_of

ERROR_LENGTH = 500  # the width of last_error


def _locking(stmt, postgres: bool):
    # On PostgreSQL rows another worker is claiming are skipped, not waited for; on SQLite the
    # whole claim runs in an immediate (write-locked) transaction, which serialises workers.
    return stmt.with_for_update(skip_locked=True) if postgres else stmt


def claim_due(db: Database, now: datetime, limit: int, lease_seconds: float,
              worker_id: str) -> list[OutboxMessage]:
    """Take up to `limit` due rows (and rows whose lease expired) for this worker to send."""
    if limit <= 0:
        return []
    lease_until = now + timedelta(seconds=lease_seconds)
    with db.session() as session:
        stale = session.exec(_locking(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == SENDING, OutboxMessage.lease_until < now)
            .limit(limit), db.is_postgres)).all()
        due = session.exec(_locking(
            select(OutboxMessage.id)
            .where(OutboxMessage.status.in_((PENDING, FAILED)), OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit - len(stale)), db.is_postgres)).all() if len(stale) < limit else []
        ids = list(stale) + list(due)
        if not ids:
            return []
        rows = session.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids))
            .values(status=SENDING, lease_until=lease_until, claimed_by=worker_id,
                    attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)).all()
        return sorted(rows, key=lambda row: (row.due_at, row.id))


_OUT = OutboxMessage.__table__


# Built once per kind of outcome: a statement made afresh each time costs SQLAlchemy its cache key
# again, and mark_sent_many runs after every reply a turn sends.
@cache
def _finish_statement(names: tuple[str, ...], undo_attempt: bool) -> Update:
    values = {name: bindparam(f"new_{name}") for name in names}
    if undo_attempt:
        values["attempts"] = _OUT.c.attempts - 1
    return (update(_OUT)
            .where(_OUT.c.id.in_(bindparam("ids", expanding=True)), _OUT.c.status == SENDING,
                   _OUT.c.claimed_by == bindparam("worker"))
            .values(lease_until=None, **values)
            .returning(_OUT.c.id))


def _finish(session: Session, row_ids: Iterable[int], worker_id: str, undo_attempt: bool = False,
            **values) -> set[int]:
    """Apply an outcome to rows this worker still holds; returns the ids it applied to.

    Core statements on the table: no ORM flush or synchronisation work for a plain guarded update.
    undo_attempt: the claim is not counted as an attempt after all.
    """
    ids = list(row_ids)
    if not ids:
        return set()
    names = tuple(sorted(values))
    params = {"ids": ids, "worker": worker_id, **{f"new_{name}": values[name] for name in names}}
    return set(connection_of(session).execute(_finish_statement(names, undo_attempt), params).scalars())


def _clip(error: str) -> str:
    return (error or "")[:ERROR_LENGTH]


def mark_sent_many(session: Session, row_ids: Iterable[int], worker_id: str,
                   now: datetime) -> set[int]:
    """These pushes were delivered; returns the ids recorded (a lost lease leaves a row out)."""
    return _finish(session, row_ids, worker_id, status=SENT, sent_at=now, last_error="")


def mark_skipped(session: Session, row_id: int, worker_id: str, reason: str) -> bool:
    """The push is obsolete (nothing to say any more): done without sending."""
    return bool(_finish(session, [row_id], worker_id, status=SKIPPED, last_error=_clip(reason)))


def mark_retry(session: Session, row_id: int, worker_id: str, error: str,
               retry_at: datetime) -> bool:
    """The delivery failed for now: try again at retry_at."""
    return bool(_finish(session, [row_id], worker_id, status=FAILED, due_at=retry_at,
                        last_error=_clip(error)))


def mark_held(session: Session, row_id: int, worker_id: str, reason: str) -> bool:
    """The channel cannot deliver it now: kept, unclaimed, until the recipient writes again."""
    return bool(_finish(session, [row_id], worker_id, undo_attempt=True, status=HELD, last_error=_clip(reason)))


def mark_dead(session: Session, row_id: int, worker_id: str, error: str) -> bool:
    """The push will never be delivered; staff see it in the dead letters."""
    return bool(_finish(session, [row_id], worker_id, status=DEAD, last_error=_clip(error)))


def defer_many(session: Session, row_ids: Iterable[int], worker_id: str,
               due_at: datetime) -> set[int]:
    """Put claimed rows back unsent until due_at (quiet hours); the claim is not an attempt."""
    return _finish(session, row_ids, worker_id, undo_attempt=True, status=PENDING, due_at=due_at)


def release(db: Database, row_ids: Iterable[int], worker_id: str) -> int:
    """Give rows this worker claimed but did not send back to the queue (shutdown)."""
    ids = list(row_ids)
    if not ids:
        return 0
    with db.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == SENDING,
                   OutboxMessage.claimed_by == worker_id)
            .values(status=PENDING, lease_until=None, attempts=OutboxMessage.attempts - 1)
            .execution_options(synchronize_session=False))
        return result.rowcount


def outbox_rows(session: Session, statuses: Iterable[str], limit: int | None = None
                ) -> list[OutboxMessage]:
    """Rows in the given statuses, the soonest due first (for staff listings)."""
    stmt = (select(OutboxMessage).where(OutboxMessage.status.in_(list(statuses)))
            .order_by(OutboxMessage.due_at, OutboxMessage.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt))


def pick_recipients(session: Session, rows: list[OutboxMessage], channels: Collection[str]
                    ) -> dict[int, ChannelAccount | None]:
    """Per row: its own account if reachable, else its resident's most recently seen reachable
    account, in both cases only on one of `channels` (None when there is no such account)."""
    named_ids = {row.account_id for row in rows if row.account_id is not None}
    named = {a.id: a for a in session.exec(
        select(ChannelAccount).where(ChannelAccount.id.in_(named_ids)))} if named_ids else {}

    def resident_of(row: OutboxMessage) -> int | None:
        account = named.get(row.account_id)
        return row.resident_id or (account.resident_id if account is not None else None)

    resident_ids = {resident_of(row) for row in rows} - {None}
    reachable: dict[int, list[ChannelAccount]] = defaultdict(list)
    if resident_ids:
        for account in session.exec(
                select(ChannelAccount)
                .where(ChannelAccount.resident_id.in_(resident_ids),
                       ChannelAccount.unreachable == False)  # noqa: E712
                .order_by(ChannelAccount.last_seen_at.desc(), ChannelAccount.id.desc())):
            reachable[account.resident_id].append(account)
    chosen: dict[int, ChannelAccount | None] = {}
    for row in rows:
        own = named.get(row.account_id)
        candidates = [own] if own is not None and not own.unreachable else []
        candidates += reachable.get(resident_of(row), [])
        chosen[row.id] = next((a for a in candidates if a.channel in channels), None)
    return chosen
