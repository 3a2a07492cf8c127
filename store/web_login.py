"""Web sessions signed in through another channel: the page then speaks for that channel's person.

Used when the page is opened inside WeChat: the 公众号's OAuth names the follower (openid), and
the browser's session is bound to the same resident as the follower's `wechat` account.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from store.models import ChannelAccount
from store.people import find_account, get_or_create_account
from store.web_sessions import WEB, issue, rotate, status_of


def signed_in_as(session: Session, token_hash: str, channel: str) -> bool:
    """True when the issued session's resident has an account on channel (e.g. the page knows the follower)."""
    if status_of(session, token_hash) is None:
        return False
    account = find_account(session, WEB, token_hash)
    if account is None:
        return False
    return session.scalar(select(ChannelAccount.id).where(
        ChannelAccount.resident_id == account.resident_id, ChannelAccount.channel == channel).limit(1)) is not None


def sign_in(session: Session, old_hash: str | None, new_hash: str, channel: str, external_id: str,
            now: datetime) -> int:
    """Give the browser a new session (new_hash) that belongs to the person of (channel, external_id).

    The person's account is created when new. A session the browser already had for the same
    person moves to the new token (its conversation with it); any other session is left as it
    was and simply no longer used by this browser: nobody is merged without being asked.
    Returns the resident's id.
    """
    account, _ = get_or_create_account(session, channel, external_id)
    person = account.resident_id
    if old_hash is not None and status_of(session, old_hash) is not None:
        web_account = find_account(session, WEB, old_hash)
        if web_account is not None and web_account.resident_id == person and rotate(
                session, old_hash, new_hash, now):
            return person
    issue(session, new_hash, now)
    session.add(ChannelAccount(channel=WEB, external_id=new_hash, resident_id=person))
    session.flush()
    return person
