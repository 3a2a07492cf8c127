"""Which WeCom group chat belongs to which community and grid."""
from __future__ import annotations

from sqlmodel import Session

from store.clock import utcnow
from store.models import WecomGroupChat
from store.units import point_id


def record_group_chat(session: Session, chat_id: str, community: str, grid: str,
                      name: str) -> WecomGroupChat:
    """Remember a created chat (or update the names of a known one)."""
    row = session.get(WecomGroupChat, chat_id)
    if row is None:
        row = WecomGroupChat(chat_id=chat_id, community=community, grid=grid, name=name,
                             created_at=utcnow(), unit_id=point_id(session, community))
    else:
        row.community, row.grid, row.name = community, grid, name
    session.add(row)
    session.flush()
    return row