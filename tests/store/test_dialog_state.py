"""Dialog state rows: one per account and chat, locked per chat for the turn, pushes in the private chat."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from store.dialog_state import ChatState, change_state_data, load_state, save_state
from store.models.dialog import PRIVATE_CHAT
from store.people import get_or_create_account

GROUP = "-1001"


def account_with_two_chats(db) -> int:
    with db.session() as s:
        account, _ = get_or_create_account(s, "telegram", "8002")
        save_state(s, account.id, PRIVATE_CHAT, ChatState(data={"choices": ["menu"]}))
        save_state(s, account.id, GROUP, ChatState(data={"choices": ["help"]}))
        return account.id


def test_a_turn_locks_the_row_of_its_own_chat_only(pg_db):
    account = account_with_two_chats(pg_db)
    with pg_db.session() as turn:
        load_state(turn, account)  # the private chat's row, held until this turn commits
        with pg_db.session() as group_turn:
            group_turn.execute(text("SET LOCAL lock_timeout = '5s'"))
            assert load_state(group_turn, account, GROUP).data == {"choices": ["help"]}
        with pytest.raises(OperationalError, match="lock timeout"):
            with pg_db.session() as second_private_turn:
                second_private_turn.execute(text("SET LOCAL lock_timeout = '100ms'"))
                load_state(second_private_turn, account)


def test_pushes_change_the_private_chat_and_leave_the_group_alone(db):
    account = account_with_two_chats(db)
    with db.session() as s:
        change_state_data(s, [account], lambda _, data: data.update(choices=["pts"]))
    with db.session() as s:
        assert load_state(s, account).data == {"choices": ["pts"]}
        assert load_state(s, account, GROUP).data == {"choices": ["help"]}
