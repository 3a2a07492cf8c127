"""Waiting until the replies a channel sent are recorded, as the service records them after sending."""
from __future__ import annotations

from sqlmodel import select

from store.db import Database
from store.models import OutboxMessage
from store.models.outbox import SENDING
from store.outbox import REPLY
from tests.support.waiting import wait_until


def replies_in_hand(db: Database) -> int:
    """Reply rows a channel still holds: sent or being sent, not yet recorded."""
    with db.session() as session:
        return len(session.exec(select(OutboxMessage.id).where(
            OutboxMessage.kind == REPLY, OutboxMessage.status == SENDING)).all())


async def replies_settled(db: Database, timeout: float = 10.0) -> None:
    """Wait until no reply is in hand (before a test moves its clock past the reply lease)."""
    await wait_until(lambda: not replies_in_hand(db), timeout, "replies recorded after the channel sent them")
