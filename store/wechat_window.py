"""The 48-hour window of the 公众号: when an account last wrote, and pushes held until it writes again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from store.models import ChannelAccount, OutboxMessage, WechatWindow
from store.models.outbox import HELD, PENDING


def note_inbound(session: Session, account_id: int, now: datetime) -> None:
    """Record that the account wrote (or clicked, subscribed, scanned) at now."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(WechatWindow).values(account_id=account_id, last_inbound_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["account_id"],
                                      set_={"last_inbound_at": now})
    session.execute(stmt)


def last_inbound(session: Session, account_id: int) -> datetime | None:
    """When the account last wrote, or None when it never did."""
    row = session.get(WechatWindow, account_id)
    return None if row is None else row.last_inbound_at


def release_held(session: Session, account: ChannelAccount, now: datetime) -> int:
    """Pushes held for this account or its resident become due now; returns how many."""
    table = OutboxMessage.__table__
    result = session.execute(
        update(table)
        .where(table.c.status == HELD,
               or_(table.c.account_id == account.id, table.c.resident_id == account.resident_id))
        .values(status=PENDING, due_at=now, attempts=0))
    return result.rowcount
