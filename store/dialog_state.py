"""Dialog state rows, one per account and chat, and the de-duplication of incoming updates."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from store.clock import utcnow
from store.models import CommunityGroup, DialogState, ProcessedUpdate
from store.models.dialog import PRIVATE_CHAT


def load_state(session: Session, account_id: int, chat: str = PRIVATE_CHAT) -> tuple[str, dict[str, Any]]:
    """The account's expectation and state data in one chat (empty when new)."""
    # Locked until the turn commits: two updates of one person in one chat on two workers take turns.
    row = session.get(DialogState, (account_id, chat), with_for_update=True)
    # Hold the row for the rest of the turn: the identity map is weak, and save_state
    # would otherwise read it again.
    session.info.setdefault("dialog_rows", {})[account_id, chat] = row
    if row is None:
        return "", {}
    try:
        return row.expect, json.loads(row.data or "{}")
    except ValueError:
        return "", {}


def save_state(session: Session, account_id: int, chat: str, expect: str, data: dict[str, Any]) -> None:
    """Store the account's expectation and state data in one chat."""
    rows = session.info.get("dialog_rows", {})
    key = (account_id, chat)
    row = rows[key] if key in rows else session.get(DialogState, key)
    if row is None:
        row = DialogState(account_id=account_id, chat=chat)
    row.expect = expect
    row.data = json.dumps(data, ensure_ascii=False)
    row.updated_at = utcnow()
    session.add(row)


def claim_update(session: Session, channel: str, update_key: str) -> bool:
    """Record an incoming update; False when it was already taken."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(ProcessedUpdate).values(
        channel=channel, update_key=update_key[:160], created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["channel", "update_key"]).returning(ProcessedUpdate.channel)
    return session.execute(stmt).first() is not None


def change_state_data(session: Session, account_ids: Iterable[int],
                      change: Callable[[int, dict[str, Any]], None]) -> None:
    """Apply change(account_id, data) to each account's private-chat state data, rows locked against a
    running turn. Accounts of group chats are left out: what a group was sent is no member's state."""
    ids = set(account_ids)
    if ids:
        ids -= set(session.exec(select(CommunityGroup.account_id).where(CommunityGroup.account_id.in_(ids))))
    if not ids:
        return
    rows = {row.account_id: row for row in session.exec(
        select(DialogState).where(DialogState.account_id.in_(ids), DialogState.chat == PRIVATE_CHAT)
        .with_for_update())}
    for account_id in ids:
        row = rows.get(account_id) or DialogState(account_id=account_id)
        try:
            data = json.loads(row.data or "{}")
        except ValueError:
            data = {}
        change(account_id, data)
        row.data = json.dumps(data, ensure_ascii=False)
        row.updated_at = utcnow()
        session.add(row)
