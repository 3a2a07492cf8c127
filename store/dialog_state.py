"""Dialog state rows, one per account and chat, and the de-duplication of incoming updates."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from store.clock import utcnow
from store.models import CommunityGroup, DialogState, ProcessedUpdate
from store.models.dialog import PRIVATE_CHAT


@dataclass
class ChatState:
    """What a chat's state row holds: text expectation, data, and the named state with its lapse time."""

    expect: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    state: str = ""  # the named state of a multi-step flow; its data is data[state]
    expires_at: datetime | None = None  # when the named state lapses (None: never)

    def drop_lapsed(self, now: datetime) -> None:
        """Forget the named state and its data once its time is up; the rest stays."""
        if self.expires_at is not None and now > self.expires_at:
            self.data.pop(self.state, None)
            self.state, self.expires_at = "", None


def _data(row: DialogState) -> dict[str, Any]:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def load_state(session: Session, account_id: int, chat: str = PRIVATE_CHAT,
               now: datetime | None = None) -> ChatState:
    """The account's state in one chat (empty when new); with `now`, a lapsed named state is dropped."""
    # Locked until the turn commits: two updates of one person in one chat on two workers take turns.
    row = session.get(DialogState, (account_id, chat), with_for_update=True)
    # Hold the row for the rest of the turn: the identity map is weak, and save_state
    # would otherwise read it again.
    session.info.setdefault("dialog_rows", {})[account_id, chat] = row
    if row is None:
        return ChatState()
    saved = ChatState(row.expect, _data(row), row.state, row.expires_at)
    if now is not None:
        saved.drop_lapsed(now)
    return saved


def save_state(session: Session, account_id: int, chat: str, saved: ChatState) -> None:
    """Store the account's state in one chat."""
    rows = session.info.get("dialog_rows", {})
    key = (account_id, chat)
    row = rows[key] if key in rows else session.get(DialogState, key)
    if row is None:
        row = DialogState(account_id=account_id, chat=chat)
    row.expect, row.state, row.expires_at = saved.expect, saved.state, saved.expires_at
    row.data = json.dumps(saved.data, ensure_ascii=False)
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
        data = _data(row)
        change(account_id, data)
        row.data = json.dumps(data, ensure_ascii=False)
        row.updated_at = utcnow()
        session.add(row)
