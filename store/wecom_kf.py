"""How far each 微信客服 account's messages have been read (kf/sync_msg's cursor)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from store.models import WecomKfCursor


def load_cursor(session: Session, open_kfid: str) -> str:
    """The cursor to read on from ("" before the first page)."""
    row = session.get(WecomKfCursor, open_kfid)
    return "" if row is None else row.cursor


def save_cursor(session: Session, open_kfid: str, cursor: str, now: datetime) -> None:
    """Remember the cursor after a page was handled."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(WecomKfCursor).values(open_kfid=open_kfid, cursor=cursor, updated_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["open_kfid"],
                                      set_={"cursor": cursor, "updated_at": now})
    session.execute(stmt)
