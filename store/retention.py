"""Forgetting old conversation: dialog state, handled-update ids and web chat history past the retention."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session

from store.models import DialogState, ProcessedUpdate, WebInboxMessage


def forget_history(session: Session, before: datetime) -> dict[str, int]:
    """Delete conversation rows last touched before a moment; how many of each went."""
    gone = {
        "dialog_state": session.execute(delete(DialogState).where(DialogState.updated_at < before)).rowcount,
        "processed_update": session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.created_at < before)).rowcount,
        "web_chat": session.execute(delete(WebInboxMessage).where(WebInboxMessage.created_at < before)).rowcount,
    }
    session.flush()
    return gone
