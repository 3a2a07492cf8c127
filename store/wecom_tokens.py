"""The WeCom access token kept in our database, so every worker uses (and refreshes) one token."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, delete

from store.clock import utcnow
from store.db import Database
from store.insert_new import upsert
from store.models import WecomToken

# A token this close to its expiry counts as expired, so a call never starts with a dying one.
EXPIRY_MARGIN = timedelta(seconds=60)


def get_token(session: Session, key: str, now: datetime) -> str | None:
    """The cached value, or None when missing or about to expire."""
    row = session.get(WecomToken, key)
    if row is None:
        return None
    if row.expires_at is not None and row.expires_at - EXPIRY_MARGIN <= now:
        return None
    return row.value


def set_token(session: Session, key: str, value: str, expires_at: datetime | None,
              now: datetime) -> None:
    """Insert or replace a cached value (the last writer wins)."""
    upsert(session, WecomToken, {"key": key, "value": value, "expires_at": expires_at, "updated_at": now},
           key=["key"])


def delete_token(session: Session, key: str) -> None:
    """Forget a cached value."""
    session.execute(delete(WecomToken).where(WecomToken.key == key))


class DbTokenStorage:
    """wechatpy's session storage (get/set/delete) on our database; one short transaction a call."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow):
        self.db = db
        self.clock = clock

    def get(self, key: str, default: str | None = None) -> str | None:
        """The live value of key, else default."""
        with self.db.session() as session:
            value = get_token(session, key, self.clock())
        return default if value is None else value

    def set(self, key: str, value: str, ttl: int | None = None) -> None:
        """Store value for ttl seconds (forever when ttl is None)."""
        now = self.clock()
        expires_at = now + timedelta(seconds=int(ttl)) if ttl else None
        with self.db.session() as session:
            set_token(session, key, value, expires_at, now)

    def delete(self, key: str) -> None:
        """Remove key."""
        with self.db.session() as session:
            delete_token(session, key)
