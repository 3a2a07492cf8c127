"""Replies a channel could not send at once go to the outbox (due now, urgent) instead of being lost."""
from __future__ import annotations

from datetime import datetime

from bot.messages import Reply
from store.clock import utcnow
from store.db import Database
from store.outbox import enqueue
from store.people import get_or_create_account

KIND = "reply"


def reply_key(channel: str, update_key: str, index: int) -> str:
    """The outbox idempotency key of the index-th reply to an update."""
    return f"{channel}:reply:{update_key}:{index}"


def queue_replies(db: Database, channel: str, external_id: str, replies: list[Reply],
                  update_key: str, first_index: int = 0, now: datetime | None = None) -> int:
    """Put replies into the outbox for the account, due now and urgent; returns how many were new."""
    now = now or utcnow()
    with db.session() as session:
        account, _ = get_or_create_account(session, channel, external_id)
        return sum(enqueue(session, idem_key=reply_key(channel, update_key, n), kind=KIND,
                           payload=reply.to_dict(), due_at=now, account_id=account.id, urgent=True)
                   for n, reply in enumerate(replies, first_index))
