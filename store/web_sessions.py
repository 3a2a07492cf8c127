"""Web chat sessions the server issued: only these are accepted, and they rotate when accounts are linked.

A token is stored as its SHA-256, the same value the web channel uses as the account's
external_id, so the database never holds a token a browser could present.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlmodel import Session

from store.models import ChannelAccount, WebSession

WEB = "web"
ISSUED, ROTATE = "issued", "rotate"
UNUSED_KEPT = timedelta(days=1)  # a page opened but never talked to


def issue(session: Session, token_hash: str, now: datetime) -> None:
    """Remember a freshly issued token."""
    session.add(WebSession(token_hash=token_hash, issued_at=now))
    session.flush()


def status_of(session: Session, token_hash: str) -> str | None:
    """ISSUED, ROTATE (issued, but its resident linked accounts since) or None (never issued, or replaced)."""
    row = session.get(WebSession, token_hash)
    if row is None:
        return None
    return ROTATE if row.rotate else ISSUED


def rotate(session: Session, old_hash: str, new_hash: str, now: datetime) -> bool:
    """Replace an issued token by a new one; its web account (and so the conversation) moves along.

    False when another request rotated it first: the old token is then no longer issued.
    """
    claimed = session.execute(delete(WebSession).where(WebSession.token_hash == old_hash)).rowcount
    if claimed != 1:
        return False
    session.add(WebSession(token_hash=new_hash, issued_at=now))
    session.execute(update(ChannelAccount).where(
        ChannelAccount.channel == WEB, ChannelAccount.external_id == old_hash).values(external_id=new_hash))
    session.flush()
    return True


def mark_for_rotation(session: Session, resident_id: int) -> int:
    """Every web session of the resident gets a new token on its next call; how many were marked."""
    tokens = select(ChannelAccount.external_id).where(
        ChannelAccount.channel == WEB, ChannelAccount.resident_id == resident_id)
    return session.execute(update(WebSession).where(WebSession.token_hash.in_(tokens))
                           .values(rotate=True)).rowcount


def prune_unused(session: Session, now: datetime, kept: timedelta = UNUSED_KEPT) -> int:
    """Forget tokens of pages that were opened but never talked to; how many went."""
    used = exists().where(ChannelAccount.channel == WEB, ChannelAccount.external_id == WebSession.token_hash)
    return session.execute(delete(WebSession).where(
        WebSession.issued_at < now - kept, ~used)).rowcount
