"""Delivery to web chat residents: a push waits in their page's history until the next visit."""
from __future__ import annotations

import asyncio

from bot.messages import Reply
from scheduler.senders import UNREACHABLE, SendError
from store.db import Database
from store.people import find_account
from store.web_inbox import add_push

CHANNEL = "web"


class WebSender:
    """The outbox sender of the "web" channel: stores the reply in the account's web inbox."""

    channel = CHANNEL

    def __init__(self, db: Database):
        self.db = db

    async def send(self, external_id: str, reply: Reply) -> None:
        """Keep one reply for the page of a web session; unknown sessions are unreachable."""
        await asyncio.to_thread(self._store, external_id, reply)

    def _store(self, external_id: str, reply: Reply) -> None:
        with self.db.session() as session:
            account = find_account(session, CHANNEL, external_id)
            if account is None:
                raise SendError(UNREACHABLE, "no such web session")
            add_push(session, account.id, reply.to_dict())
