"""Delivering due outbox rows in conversation tests, the way the delivery engine does."""
from __future__ import annotations

import json

from sqlmodel import select

from bot.dialogs.engine import Dialogs, remember_choices
from bot.dialogs.pushes.render import render_push
from bot.messages import Reply
from store.dialog_state import load_state, save_state
from store.models.dialog import PRIVATE_CHAT
from store.models import OutboxMessage
from store.models.outbox import PENDING, SENT
from store.people import find_account


def deliver_due(dialogs: Dialogs, user_id: str, channel: str = "console") -> list[tuple[str, Reply | None]]:
    """Render every due row of one user's resident, remember the choices shown, close the rows."""
    now = dialogs.clock.now()
    out: list[tuple[str, Reply | None]] = []
    with dialogs.db.session() as s:
        account = find_account(s, channel, user_id)
        rows = s.exec(select(OutboxMessage).where(
            OutboxMessage.resident_id == account.resident_id, OutboxMessage.status == PENDING,
            OutboxMessage.due_at <= now).order_by(OutboxMessage.due_at, OutboxMessage.id)).all()
        for row in rows:
            payload = json.loads(row.payload)
            reply = (render_push(s, dialogs.settings, row, account, now) if "render" in payload
                     else Reply.from_dict(payload))
            if reply is not None:
                saved = load_state(s, account.id)
                remember_choices(saved.data, [reply])
                save_state(s, account.id, PRIVATE_CHAT, saved)
            row.status, row.sent_at = SENT, now
            s.add(row)
            out.append((row.kind, reply))
    return out


def pending_keys(dialogs: Dialogs, user_id: str, channel: str = "console") -> list[str]:
    """Idempotency keys of a user's pending pushes."""
    with dialogs.db.session() as s:
        account = find_account(s, channel, user_id)
        return list(s.exec(select(OutboxMessage.idem_key).where(
            OutboxMessage.resident_id == account.resident_id, OutboxMessage.status == PENDING)))
