"""Send limits kept in the database, so every worker paces against the same buckets.

Each limit is a virtual-time bucket (GCRA): `next_free` is the theoretical time of the next
slot; a message may go at `next_free - tolerance` (tolerance = (burst - 1) × interval), and
taking a slot at t moves `next_free` to max(next_free, t) + interval. A reservation locks the
rows of every bucket a message must pass (one chat and the overall bucket), finds the first
moment all of them allow it, and books them all at that moment — one short transaction. Times
are the database's clock on PostgreSQL (workers on several hosts need not agree on the time)
and this host's clock on SQLite (one host by nature).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import case, delete, func, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from store.models import SendPace


@dataclass(frozen=True)
class Bucket:
    """One limit: a slot every `interval` seconds, `burst` back to back, booked at most `ahead` early."""

    key: str
    interval: float
    burst: float = 1.0
    ahead: float = 0.0  # how far in the future a slot of this bucket may be booked

    @property
    def tolerance(self) -> float:
        """How early a slot may be taken: the room for a burst."""
        return (max(1.0, self.burst) - 1.0) * self.interval


@dataclass(frozen=True)
class Reservation:
    """The answer to one reservation: booked (send after `wait`) or not (try again after `wait`)."""

    booked: bool
    wait: float               # seconds from now
    blocker: str | None = None  # the bucket that decided the wait


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _now_sql(session: Session, now: float | None):
    """The time a statement works at: given, else the database's clock (this host's on SQLite)."""
    if now is not None:
        return literal(now)
    if _is_postgres(session):
        return func.extract("epoch", func.clock_timestamp())
    return literal(time.time())


def _touch(session: Session, keys: list[str], now: float | None) -> tuple[dict[str, float], float]:
    """Lock (creating when missing) the buckets' rows; their next_free and the database's now."""
    postgres = _is_postgres(session)
    dialect = postgresql if postgres else sqlite
    rows = [{"key": key, "next_free": 0.0, "updated_at": 0.0} for key in keys]
    stmt = dialect.insert(SendPace).values(rows)
    # A no-op update still takes the row lock, in key order (callers sort): no deadlocks.
    stmt = stmt.on_conflict_do_update(index_elements=["key"],
                                      set_={"updated_at": SendPace.updated_at})
    result = session.execute(stmt.returning(SendPace.key, SendPace.next_free,
                                            _now_sql(session, now))).all()
    now = float(result[0][2])
    return {key: float(next_free) for key, next_free, _ in result}, now


def reserve(session: Session, buckets: list[Bucket], now: float | None = None) -> Reservation:
    """Book one slot in every bucket at the first moment all allow it, unless that is too far ahead.

    now: seconds since the epoch (tests); by default the database's clock."""
    by_key = {b.key: b for b in buckets}
    keys = sorted(by_key)
    next_free, now = _touch(session, keys, now)
    earliest = {k: next_free[k] - by_key[k].tolerance for k in keys}
    at = max([now, *earliest.values()])
    blocker = max(keys, key=lambda k: earliest[k]) if at > now else None
    if any(earliest[k] - now > by_key[k].ahead for k in keys):
        return Reservation(False, at - now, blocker)
    booked = {k: max(next_free[k], at) + by_key[k].interval for k in keys}
    session.execute(update(SendPace).where(SendPace.key.in_(keys))
                    .values(next_free=case(booked, value=SendPace.key), updated_at=now))
    return Reservation(True, at - now, blocker)


def pause(session: Session, bucket: Bucket, seconds: float, now: float | None = None) -> None:
    """Hold the bucket's next slot back until `seconds` from now (a 429's retry_after, for everyone)."""
    postgres = _is_postgres(session)
    dialect = postgresql if postgres else sqlite
    now_sql = _now_sql(session, now)
    # next_free - tolerance is the earliest send, so the pause lands on that.
    until = now_sql + seconds + bucket.tolerance
    stmt = dialect.insert(SendPace).values(key=bucket.key, next_free=until, updated_at=now_sql)
    later = (func.greatest if postgres else func.max)(SendPace.next_free, stmt.excluded.next_free)
    session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"next_free": later}))


def forget_idle(session: Session, idle_seconds: float, now: float | None = None) -> int:
    """Delete buckets whose slots all lie more than idle_seconds in the past; how many went."""
    now_sql = _now_sql(session, now)
    result = session.execute(delete(SendPace).where(SendPace.next_free < now_sql - idle_seconds))
    return result.rowcount or 0
