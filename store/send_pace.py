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
from functools import cache

from sqlalchemy import case, delete, func, literal, text, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from store.insert_new import dialect_insert
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


def _is_postgres(session: Session | Connection) -> bool:
    bind = session if isinstance(session, Connection) else session.get_bind()
    return bind.dialect.name == "postgresql"


def _now_sql(session: Session, now: float | None):
    """The time a statement works at: given, else the database's clock (this host's on SQLite)."""
    if now is not None:
        return literal(now)
    if _is_postgres(session):
        return func.extract("epoch", func.clock_timestamp())
    return literal(time.time())


def _touch(session: Session, keys: list[str], now: float | None) -> tuple[dict[str, float], float]:
    """Lock (creating when missing) the buckets' rows; their next_free and the database's now."""
    rows = [{"key": key, "next_free": 0.0, "updated_at": 0.0} for key in keys]
    stmt = dialect_insert(session)(SendPace).values(rows)
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


# The same reservation as one PostgreSQL statement: run on an autocommit connection it costs one
# round trip instead of four (BEGIN, lock, book, COMMIT). The row locks are taken in key order
# and held to the end of the statement; values come from the locked (newest) rows.
_ONE_STATEMENT = """
WITH clock AS MATERIALIZED (
    SELECT coalesce(CAST(:now AS float8), extract(epoch FROM clock_timestamp())::float8) AS now),
b (key, step, tolerance, ahead) AS (VALUES {values}),
cur AS MATERIALIZED (
    SELECT p.key, p.next_free FROM send_pace p WHERE p.key IN (SELECT key FROM b)
    ORDER BY p.key FOR UPDATE),
plan AS MATERIALIZED (
    SELECT clock.now, greatest(clock.now, max(cur.next_free - b.tolerance)) AS at,
           bool_and(cur.next_free - b.tolerance - clock.now <= b.ahead) AS ok, count(*) AS n
    FROM cur JOIN b USING (key) CROSS JOIN clock GROUP BY clock.now),
booked AS (
    UPDATE send_pace p SET next_free = greatest(cur.next_free, plan.at) + b.step,
                           updated_at = plan.now
    FROM plan, cur JOIN b USING (key)
    WHERE p.key = cur.key AND plan.ok AND plan.n = :n
    RETURNING p.key)
SELECT plan.now, plan.at, plan.ok, plan.n,
       (SELECT cur.key FROM cur JOIN b USING (key) ORDER BY cur.next_free - b.tolerance DESC
        LIMIT 1) AS blocker,
       (SELECT count(*) FROM booked) AS booked
FROM plan
"""


@cache
def _one_statement(buckets: int):
    """The reservation for this many buckets, parsed once (every send runs it)."""
    values = ", ".join(f"(CAST(:k{n} AS varchar), CAST(:s{n} AS float8), CAST(:t{n} AS float8), "
                       f"CAST(:a{n} AS float8))" for n in range(buckets))
    return text(_ONE_STATEMENT.format(values=values))


def reserve_in_one_statement(conn: Connection, buckets: list[Bucket],
                             now: float | None = None) -> Reservation | None:
    """PostgreSQL: reserve() as one statement; None when a bucket has no row yet (use reserve())."""
    params = {"now": now, "n": len(buckets)}
    for n, b in enumerate(sorted(buckets, key=lambda b: b.key)):
        params.update({f"k{n}": b.key, f"s{n}": b.interval, f"t{n}": b.tolerance,
                       f"a{n}": b.ahead if b.ahead != float("inf") else 1e18})
    row = conn.execute(_one_statement(len(buckets)), params).first()
    if row is None or row.n != len(buckets):
        return None
    wait = float(row.at) - float(row.now)
    blocker = row.blocker if wait > 0 else None
    return Reservation(bool(row.ok), wait, blocker)


def create_missing(conn: Connection | Session, keys: list[str]) -> None:
    """Rows for buckets not seen before (or forgotten), at rest."""
    rows = [{"key": key, "next_free": 0.0, "updated_at": 0.0} for key in sorted(keys)]
    conn.execute(dialect_insert(conn)(SendPace).values(rows).on_conflict_do_nothing(index_elements=["key"]))


def pause(session: Session, bucket: Bucket, seconds: float, now: float | None = None) -> None:
    """Hold the bucket's next slot back until `seconds` from now (a 429's retry_after, for everyone)."""
    now_sql = _now_sql(session, now)
    # next_free - tolerance is the earliest send, so the pause lands on that.
    until = now_sql + seconds + bucket.tolerance
    stmt = dialect_insert(session)(SendPace).values(key=bucket.key, next_free=until, updated_at=now_sql)
    later = (func.greatest if _is_postgres(session) else func.max)(SendPace.next_free, stmt.excluded.next_free)
    session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"next_free": later}))


def forget_idle(session: Session, idle_seconds: float, now: float | None = None) -> int:
    """Delete buckets whose slots all lie more than idle_seconds in the past; how many went."""
    now_sql = _now_sql(session, now)
    result = session.execute(delete(SendPace).where(SendPace.next_free < now_sql - idle_seconds))
    return result.rowcount or 0
