"""WeChat's 48-hour window: when an account last wrote, what was sent since, pushes held until it writes."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session

from store.insert_new import upsert
from store.models import ChannelAccount, OutboxMessage, WechatWindow
from store.models.outbox import HELD, PENDING
from store.people import find_account


def note_inbound(session: Session, account_id: int, now: datetime) -> None:
    """Record that the account wrote (or clicked, subscribed, scanned) at now."""
    upsert(session, WechatWindow, {"account_id": account_id, "last_inbound_at": now, "sent_since_inbound": 0},
           key=["account_id"])


def last_inbound(session: Session, account_id: int) -> datetime | None:
    """When the account last wrote, or None when it never did."""
    row = session.get(WechatWindow, account_id)
    return None if row is None else row.last_inbound_at


def take_quota(session: Session, account_id: int, count: int, now: datetime, window: timedelta,
               limit: int) -> bool:
    """Count `count` messages against the account's window; False (nothing counted) when the window
    has closed or they would pass limit. One statement, so two workers never both get the last one."""
    table = WechatWindow.__table__
    result = session.execute(
        update(table)
        .where(table.c.account_id == account_id, table.c.last_inbound_at > now - window,
               table.c.sent_since_inbound + count <= limit)
        .values(sent_since_inbound=table.c.sent_since_inbound + count))
    return result.rowcount == 1


def release_held(session: Session, account: ChannelAccount, now: datetime) -> int:
    """Pushes held for this account or its resident become due now; returns how many."""
    table = OutboxMessage.__table__
    result = session.execute(
        update(table)
        .where(table.c.status == HELD,
               or_(table.c.account_id == account.id, table.c.resident_id == account.resident_id))
        .values(status=PENDING, due_at=now, attempts=0))
    return result.rowcount


def account_wrote(session: Session, channel: str, external_id: str, now: datetime) -> int:
    """The account wrote at now: its window opens again and its held pushes become due; how many."""
    account = find_account(session, channel, external_id)
    if account is None:
        return 0
    note_inbound(session, account.id, now)
    return release_held(session, account, now)


def account_quota(session: Session, channel: str, external_id: str, count: int, now: datetime,
                  window: timedelta, limit: int) -> bool:
    """take_quota for a channel account; False when the account is unknown."""
    account = find_account(session, channel, external_id)
    return account is not None and take_quota(session, account.id, count, now, window, limit)
