"""The 48-hour window as the 公众号 channel reads and moves it, by openid."""
from __future__ import annotations

from datetime import datetime

from store.db import Database
from store.people import find_account
from store.wechat_window import account_wrote, last_inbound

CHANNEL = "wechat"


def opened_by(db: Database, openid: str, now: datetime) -> int:
    """The follower wrote at now: the window opens again and held pushes become due; how many."""
    with db.session() as session:
        return account_wrote(session, CHANNEL, openid, now)


def last_inbound_of(db: Database, openid: str) -> datetime | None:
    """When the follower last wrote, or None."""
    with db.session() as session:
        account = find_account(session, CHANNEL, openid)
        return None if account is None else last_inbound(session, account.id)


def mark_unfollowed(db: Database, openid: str) -> bool:
    """The follower unsubscribed: no push goes to this account until they write again."""
    with db.session() as session:
        account = find_account(session, CHANNEL, openid)
        if account is None or account.unreachable:
            return False
        account.unreachable = True
        session.add(account)
        return True
