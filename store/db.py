"""The database engine: SQLite by default, PostgreSQL by URL, one transaction per operation."""
from __future__ import annotations

from collections.abc import Iterator
import threading
from contextlib import contextmanager, nullcontext

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool, StaticPool
from sqlmodel import Session, SQLModel, create_engine

import store.models  # noqa: F401  (registers every table)
from store.idle_sessions import IdleSessions
from store.prepared import Prepared

_BEGIN_IMMEDIATE = Prepared(text("BEGIN IMMEDIATE"))


def normalise_url(url: str) -> str:
    """Make plain postgres URLs use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_engine(url: str, echo: bool) -> Engine:
    memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = create_engine(
        url, echo=echo,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=StaticPool if memory else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let us issue BEGIN ourselves: pysqlite's implicit BEGIN is deferred.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front, so check-then-insert is atomic. On the driver's
        # cursor: through the engine it was a fifth of an empty transaction's CPU.
        _BEGIN_IMMEDIATE.count(conn, {}, begin=False)

    return engine


class Database:
    """Holds the engine; hands out sessions and knows which dialect it speaks."""

    def __init__(self, url: str, echo: bool = False, pool_size: int = 10):
        self.url = normalise_url(url)
        # SQLite lets one writer in at a time; queueing threads on a lock is fairer and
        # faster than SQLite's sleeping busy handler. Other processes still get busy_timeout.
        self._writer = nullcontext()
        if self.url.startswith("sqlite"):
            self.engine = _sqlite_engine(self.url, echo)
            self._writer = threading.RLock()
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_size=pool_size, max_overflow=pool_size * 2,
                pool_pre_ping=True,
            )
        # As many wait between transactions as the pool keeps (an in-memory SQLite has one connection).
        pool = self.engine.pool
        keep = pool.size() if isinstance(pool, QueuePool) else 1
        self._idle = IdleSessions(self.engine, keep=keep, check=self.is_postgres)

    @property
    def is_postgres(self) -> bool:
        """True when the engine is PostgreSQL (row locks, SKIP LOCKED)."""
        return self.engine.dialect.name == "postgresql"

    def create_all(self) -> None:
        """Create every table that does not exist yet."""
        SQLModel.metadata.create_all(self.engine)

    def drop_all(self) -> None:
        """Drop every table (tests only)."""
        SQLModel.metadata.drop_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on error."""
        with self._writer:
            session = self._idle.take()
            try:
                yield session
                session.commit()
            except BaseException:
                self._idle.discard(session)
                raise
            self._idle.give_back(session)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._idle.close()
        self.engine.dispose()
