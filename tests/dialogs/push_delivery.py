"""Delivering due pushes in conversation tests through the outbox tick the service builds.

The tick is bot.app.build_worker's, so quiet hours, rendering at send time, obsolete pushes
skipped and choices remembered for a typed number all happen as in `linli serve`. Only the
platform is replaced: an inbox takes every push for every channel."""
from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlmodel import or_, select

from bot.app import build_worker
from bot.dialogs.engine import Dialogs
from bot.handlers.registry import outbox_targets
from bot.messages import Reply
from store.models import OutboxMessage
from store.models.outbox import PENDING, SENT, SKIPPED
from store.people import find_account
from tests.support.pushes import plan_until

_numbers = itertools.count(1)


class Inbox:
    """The platforms' stand-in: every push sent, by (channel, external id), in order."""

    def __init__(self):
        self.worker_id = f"conversation-test-{next(_numbers)}"
        self.received: dict[tuple[str, str], list[Reply]] = defaultdict(list)
        self.reported: set[int] = set()  # rows already handed to the test

    def sender(self, channel: str) -> "ChannelInbox":
        """The sender of one channel, filling this inbox."""
        return ChannelInbox(self, channel)


class ChannelInbox:
    """A Sender that keeps what it is given."""

    def __init__(self, inbox: Inbox, channel: str):
        self.inbox, self.channel = inbox, channel

    async def send(self, external_id: str, reply: Reply) -> None:
        self.inbox.received[(self.channel, external_id)].append(reply)


_inboxes: WeakKeyDictionary[Dialogs, Inbox] = WeakKeyDictionary()


def deliver_due(dialogs: Dialogs, user_id: str, channel: str = "console") -> list[tuple[str, Reply | None]]:
    """Run the service's outbox tick until nothing is due; then this user's pushes not reported yet,
    as (kind, reply sent), with None for a push the tick skipped as obsolete."""
    inbox = _inboxes.setdefault(dialogs, Inbox())
    senders = {kind: inbox.sender(kind) for kind in {channel, *outbox_targets()}}
    worker = build_worker(dialogs.db, dialogs.settings, senders, dialogs.clock,
                          worker_id=inbox.worker_id, concurrency=1)  # sends in claim order
    asyncio.run(worker.drain())
    with dialogs.db.session() as s:
        account = find_account(s, channel, user_id)
        rows = s.exec(select(OutboxMessage).where(
            or_(OutboxMessage.resident_id == account.resident_id, OutboxMessage.account_id == account.id),
            OutboxMessage.claimed_by == inbox.worker_id, OutboxMessage.status.in_([SENT, SKIPPED]))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)).all()
        rows = [row for row in rows if row.id not in inbox.reported]
    sent = iter(inbox.received.pop((channel, user_id), []))
    out = []
    for row in rows:
        inbox.reported.add(row.id)
        reply = next(sent, None) if row.status == SENT else None
        assert reply is not None or row.status == SKIPPED, f"push {row.idem_key} went to another account"
        out.append((row.kind, reply))
    return out


def pending_keys(dialogs: Dialogs, user_id: str, channel: str = "console") -> list[str]:
    """Idempotency keys of a user's pending pushes."""
    with dialogs.db.session() as s:
        account = find_account(s, channel, user_id)
        return list(s.exec(select(OutboxMessage.idem_key).where(
            OutboxMessage.resident_id == account.resident_id, OutboxMessage.status == PENDING)))


def planned_reminder_times(dialogs: Dialogs, user_id: str, weeks: int = 4) -> list[datetime]:
    """Plan what falls due in the weeks ahead of the clock, as the tick would when they come, and
    return the due times of the user's pending reminders."""
    plan_until(dialogs.db, dialogs.settings, dialogs.clock.now() + timedelta(weeks=weeks))
    keys = set(pending_keys(dialogs, user_id))
    with dialogs.db.session() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
        return sorted(row.due_at for row in rows if row.idem_key in keys)
