"""How far each 微信客服 account's messages have been read (kf/sync_msg's cursor)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.insert_new import upsert
from store.models import WecomKfCursor


def load_cursor(session: Session, open_kfid: str) -> str:
    """The cursor to read on from ("" before the first page)."""
    row = session.get(WecomKfCursor, open_kfid)
    return "" if row is None else row.cursor


def save_cursor(session: Session, open_kfid: str, cursor: str, now: datetime) -> None:
    """Remember the cursor after a page was handled."""
    upsert(session, WecomKfCursor, {"open_kfid": open_kfid, "cursor": cursor, "updated_at": now},
           key=["open_kfid"])
