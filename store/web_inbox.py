"""The web chat's history: turns as they happen, pushes kept until the page fetches them."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, not_, update
from sqlmodel import Session, select

from store.clock import utcnow
from store.models.web import PUSH, REPLY, SAID, WebInboxMessage

KEEP_PER_ACCOUNT = 100  # older turns are dropped; the page shows the recent conversation only


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def load_payload(row: WebInboxMessage) -> dict[str, Any]:
    """The stored reply (or resident's words) of a row as a dict."""
    try:
        data = json.loads(row.payload or "{}")
    except ValueError:
        return {"text": ""}
    return data if isinstance(data, dict) else {"text": ""}


def add_push(session: Session, account_id: int, reply: dict[str, Any],
             now: datetime | None = None) -> WebInboxMessage:
    """Keep a push for the page to show at the next visit."""
    row = WebInboxMessage(account_id=account_id, kind=PUSH, payload=_dump(reply),
                          created_at=now or utcnow())
    session.add(row)
    session.flush()
    return row


def record_turn(session: Session, account_id: int, message_id: str, said: str | None,
                replies: list[dict[str, Any]], now: datetime | None = None) -> list[WebInboxMessage]:
    """Store what the resident said (None: nothing to show) and the answers, already delivered."""
    now = now or utcnow()
    rows = []
    if said:
        rows.append(WebInboxMessage(account_id=account_id, kind=SAID, message_id=message_id,
                                    payload=_dump({"text": said}), created_at=now, fetched_at=now))
    rows.extend(WebInboxMessage(account_id=account_id, kind=REPLY, message_id=message_id,
                                payload=_dump(reply), created_at=now, fetched_at=now)
                for reply in replies)
    session.add_all(rows)
    session.flush()
    prune(session, account_id)
    return rows


def answers_to(session: Session, account_id: int, message_id: str) -> list[WebInboxMessage]:
    """The replies already given to one message of the page (for a resent message)."""
    return list(session.exec(
        select(WebInboxMessage).where(
            WebInboxMessage.account_id == account_id, WebInboxMessage.message_id == message_id,
            WebInboxMessage.kind == REPLY).order_by(WebInboxMessage.id)))


def fetch_history(session: Session, account_id: int, after_id: int = 0, limit: int = 60,
                  now: datetime | None = None) -> list[WebInboxMessage]:
    """The latest messages after after_id, oldest first; pushes among them become fetched."""
    rows = list(session.exec(
        select(WebInboxMessage).where(
            WebInboxMessage.account_id == account_id, WebInboxMessage.id > after_id)
        .order_by(WebInboxMessage.id.desc()).limit(limit)))
    rows.reverse()
    unseen = [row.id for row in rows if row.kind == PUSH and row.fetched_at is None]
    if unseen:
        session.execute(update(WebInboxMessage).where(WebInboxMessage.id.in_(unseen))
                        .values(fetched_at=now or utcnow()))
    return rows


def prune(session: Session, account_id: int, keep: int = KEEP_PER_ACCOUNT) -> int:
    """Drop all but the newest `keep` messages of an account (pushes not yet shown stay)."""
    cutoff = session.exec(
        select(WebInboxMessage.id).where(WebInboxMessage.account_id == account_id)
        .order_by(WebInboxMessage.id.desc()).offset(keep - 1).limit(1)).first()
    if cutoff is None:
        return 0
    waiting = and_(WebInboxMessage.kind == PUSH, WebInboxMessage.fetched_at.is_(None))
    result = session.execute(delete(WebInboxMessage).where(
        WebInboxMessage.account_id == account_id, WebInboxMessage.id < cutoff, not_(waiting)))
    return result.rowcount
