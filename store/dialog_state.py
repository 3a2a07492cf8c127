"""Dialog state rows, one per account and chat, and the de-duplication of incoming updates."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as core_select
from sqlmodel import Session, select

from store.clock import utcnow
from store.insert_new import insert_new_by_dialect
from store.models import CommunityGroup, DialogState, ProcessedUpdate
from store.models.dialog import PRIVATE_CHAT
from store.prepared import Prepared, connection_of


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


# The statements every turn runs, built once: SQLAlchemy then finds their compiled form by a cache
# key it works out only once per statement object.
_STATE = DialogState.__table__
_KEY = (_STATE.c.account_id == bindparam("account_id")) & (_STATE.c.chat == bindparam("chat"))
# Locked until the turn commits: two updates of one person in one chat on two workers take turns.
_LOAD = core_select(_STATE.c.expect, _STATE.c.data, _STATE.c.state, _STATE.c.expires_at).where(_KEY).with_for_update()
# Executed with the new values by column name; the row is named by row_account and row_chat.
_UPDATE = update(_STATE).where(_STATE.c.account_id == bindparam("row_account"),
                               _STATE.c.chat == bindparam("row_chat"))
_INSERT = insert(_STATE)
_PROCESSED = ProcessedUpdate.__table__
_CLAIM = insert_new_by_dialect(_PROCESSED, ["channel", "update_key"], _PROCESSED.c.channel)
# Every turn runs these: run on the driver's cursor, their text and conversions worked out once.
_VALUES = ("expect", "data", "state", "expires_at", "updated_at")
_LOAD_ROW = Prepared(_LOAD)
_UPDATE_ROW = Prepared(_UPDATE, columns=_VALUES + ("row_account", "row_chat"))
_INSERT_ROW = Prepared(_INSERT, columns=_VALUES + ("account_id", "chat"))
_CLAIM_ROW = {name: Prepared(statement) for name, statement in _CLAIM.items()}


def _data(row: Any) -> dict[str, Any]:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def load_state(session: Session, account_id: int, chat: str = PRIVATE_CHAT,
               now: datetime | None = None) -> ChatState:
    """The account's state in one chat (empty when new), locked for the rest of the transaction; with
    `now`, a lapsed named state is dropped."""
    session.flush()  # a state row the turn changed through the ORM is read as changed
    row = _LOAD_ROW.first(connection_of(session), {"account_id": account_id, "chat": chat})
    if row is None:
        return ChatState()
    saved = ChatState(row.expect, _data(row), row.state, row.expires_at)
    if now is not None:
        saved.drop_lapsed(now)
    return saved


def save_state(session: Session, account_id: int, chat: str, saved: ChatState) -> None:
    """Store the account's state in one chat."""
    session.flush()  # changes the turn made through the ORM land first; this write is the last word
    values = {"expect": saved.expect, "state": saved.state, "expires_at": saved.expires_at,
              "data": json.dumps(saved.data, ensure_ascii=False), "updated_at": utcnow()}
    connection = connection_of(session)
    if _UPDATE_ROW.count(connection, {**values, "row_account": account_id, "row_chat": chat}) == 0:
        _INSERT_ROW.count(connection, {**values, "account_id": account_id, "chat": chat})  # a new chat: no row yet


def claim_update(session: Session, channel: str, update_key: str) -> bool:
    """Record an incoming update; False when it was already taken."""
    connection = connection_of(session)
    row = _CLAIM_ROW[connection.dialect.name].first(connection, {
        "channel": channel, "update_key": update_key[:160], "created_at": utcnow()})
    return row is not None


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
