"""Sending a turn's replies at once, from the outbox rows the turn wrote, and recording each outcome.

A turn writes its replies as outbox rows leased to this worker in the same transaction as its
change. Here they are sent in order right after the commit and marked sent; a reply that fails
for a passing reason (429, 5xx, network) waits for the tick with the ones after it, in order.
A reply is sent twice only if the worker died between the platform's answer and the mark.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.messages import Reply
from scheduler.senders import FATAL, RETRY, SendError
from store.db import Database
from store.outbox_claims import mark_dead, mark_retry, mark_sent_many

log = logging.getLogger("linli.replies")

Send = Callable[[Reply], Awaitable[None]]

# Seconds between tries to record what was sent while the database is away (a restart): a reply
# sent but not recorded would be sent again by the tick once its lease runs out.
RECORD_WAITS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


@dataclass
class Delivered:
    """What became of a turn's replies."""

    sent: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)  # left for the tick (passing failure)
    dead: list[int] = field(default_factory=list)


async def deliver_owed(db: Database, worker_id: str, replies: list[Reply], owed: list[int],
                       send: Send, now: Callable[[], datetime], retry_seconds: float) -> Delivered:
    """Send replies in order; record sent, waiting (from the first passing failure on) or dead.

    `send` raises SendError (anything else counts as a passing failure). Replies without a row
    (owed shorter than replies) are sent but not recorded."""
    done = Delivered()
    error: SendError | None = None
    for index, reply in enumerate(replies):
        row = owed[index] if index < len(owed) else None
        try:
            await send(reply)
        except SendError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001  (a network failure the channel did not sort)
            error = SendError(RETRY, repr(exc))
        else:
            if row is not None:
                done.sent.append(row)
            continue
        log.warning("reply not sent (%s): %s", error.kind, str(error)[:200])
        if error.kind == FATAL:  # this message is bad; the ones after it may still go
            done.dead += [row] if row is not None else []
            continue
        rest = owed[index:]
        if error.kind == RETRY:
            done.waiting = rest
        else:  # unreachable: blocked or gone, nothing more goes to this chat
            done.dead += rest
        break
    for wait in (*RECORD_WAITS, None):
        try:
            await asyncio.to_thread(_record, db, worker_id, done, error, now(), retry_seconds)
            break
        except Exception as exc:  # noqa: BLE001
            if wait is None:
                raise
            log.warning("reply outcomes not recorded, trying again: %r", exc)
            await asyncio.sleep(wait)
    return done


def _record(db: Database, worker_id: str, done: Delivered, error: SendError | None,
            now: datetime, retry_seconds: float) -> None:
    if not (done.sent or done.waiting or done.dead):
        return
    message = str(error)[:400] if error else ""
    delay = max(retry_seconds, (error.retry_after or 0) if error else 0)
    with db.session() as session:
        mark_sent_many(session, done.sent, worker_id, now)
        for row in done.dead:
            mark_dead(session, row, worker_id, message)
        for row in done.waiting:  # the tick sends them in id order, as written
            mark_retry(session, row, worker_id, message, now + timedelta(seconds=delay))
