"""Finding or creating the resident behind a channel account."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from store.clock import utcnow
from store.models import ChannelAccount, Resident
from store.prepared import Prepared, connection_of

SEEN_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class Account:
    """A channel account as a turn knows it: which user of which channel, and whose account it is."""

    id: int
    channel: str
    external_id: str
    resident_id: int

    @classmethod
    def of(cls, account) -> "Account":
        """The turn's view of an account: a ChannelAccount the session holds, or a row of its columns."""
        return cls(account.id, account.channel, account.external_id, account.resident_id)


_A, _R = ChannelAccount.__table__, Resident.__table__
# A known account with its resident locked, in one statement (PostgreSQL locks the resident row
# only), read as a row: loading an ORM object cost a turn 45–80 µs more, and a turn only reads it.
_ACCOUNT_LOCKED = (core_select(_A.c.id, _A.c.channel, _A.c.external_id, _A.c.resident_id, _A.c.unreachable,
                               _A.c.last_seen_at)
                   .join(_R, _R.c.id == _A.c.resident_id)
                   .where(_A.c.channel == bindparam("channel"), _A.c.external_id == bindparam("external_id"))
                   .with_for_update(of=_R))
_SEEN = update(_A).where(_A.c.id == bindparam("account_id")).values(last_seen_at=bindparam("now"), unreachable=False)
_ACCOUNT = core_select(_A.c.id, _A.c.channel, _A.c.external_id, _A.c.resident_id).where(
    _A.c.id == bindparam("account_id"))
# Run on the driver's cursor (store.prepared): the first two are in every turn.
_ACCOUNT_LOCKED_ROW, _SEEN_ROW, _ACCOUNT_ROW = Prepared(_ACCOUNT_LOCKED), Prepared(_SEEN), Prepared(_ACCOUNT)


def find_account(session: Session, channel: str, external_id: str) -> ChannelAccount | None:
    """The account of a channel user, if known."""
    return session.exec(
        select(ChannelAccount).where(
            ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
    ).first()


def get_or_create_account(session: Session, channel: str, external_id: str,
                          display_name: str = "") -> tuple[ChannelAccount, bool]:
    """The account (and a new resident) for a channel user; True when just created."""
    account = find_account(session, channel, external_id)
    if account is not None:
        return _seen(session, account), False
    return _create_account(session, channel, external_id, display_name)


def _create_account(session: Session, channel: str, external_id: str,
                    display_name: str) -> tuple[ChannelAccount, bool]:
    """A new resident with the account; the existing account (False) when it is there already."""
    try:
        with session.begin_nested():
            resident = Resident(display_name=display_name[:100])
            session.add(resident)
            session.flush()
            account = ChannelAccount(channel=channel, external_id=external_id,
                                     resident_id=resident.id)
            session.add(account)
            session.flush()
        return account, True
    except IntegrityError:
        # Another worker created the same account a moment ago.
        return find_account(session, channel, external_id), False


def _seen_due(account, now) -> bool:
    """Whether an account (object or row) is to be marked seen now: it was unreachable, or last seen
    over a minute ago. Written at most once a minute: it only orders a resident's accounts for pushes."""
    return account.unreachable or now - account.last_seen_at > SEEN_GRANULARITY


def _seen(session: Session, account: ChannelAccount) -> ChannelAccount:
    now = utcnow()
    if _seen_due(account, now):
        account.last_seen_at = now
        account.unreachable = False
        session.add(account)
    return account


def person_for_turn(session: Session, channel: str, external_id: str,
                    display_name: str = "") -> tuple[Account, bool]:
    """The account of a channel user with the resident behind it locked for the rest of the turn, as
    get_or_create_account then lock_person; True when just created. A known account takes one statement."""
    session.flush()  # an account the turn's session changed is read as changed
    connection = connection_of(session)
    row = _ACCOUNT_LOCKED_ROW.first(connection, {"channel": channel, "external_id": external_id})
    if row is not None:
        now = utcnow()
        if _seen_due(row, now):
            _SEEN_ROW.count(connection, {"account_id": row.id, "now": now})
        return Account.of(row), False
    # New (most likely: tried first), or its resident went away (an account merge) while this
    # waited for the lock. A resident this transaction just inserted is its own until commit.
    account, is_new = _create_account(session, channel, external_id, display_name)
    return Account.of(account if is_new else lock_person(session, _seen(session, account))), is_new


def account_by_id(session: Session, account_id: int) -> Account | None:
    """An account as a turn knows it, read again (after a merge moved it to another resident)."""
    session.flush()
    row = _ACCOUNT_ROW.first(connection_of(session), {"account_id": account_id})
    return Account.of(row) if row else None


def lock_person(session: Session, account: ChannelAccount) -> ChannelAccount:
    """Lock the resident behind the account for the rest of the turn, so the turn sees one person.

    If an account merge moved the account while this waited for the lock, the account is read
    again and the resident it now belongs to is locked instead."""
    for _ in range(3):
        held = session.exec(select(Resident.id).where(Resident.id == account.resident_id)
                            .with_for_update()).first()
        if held is not None:
            return account
        session.refresh(account)
    raise LookupError(f"resident of account {account.id} keeps moving")


def accounts_of(session: Session, resident_id: int) -> list[ChannelAccount]:
    """A resident's reachable accounts, the most recently used first."""
    return list(session.exec(
        select(ChannelAccount).where(
            ChannelAccount.resident_id == resident_id, ChannelAccount.unreachable == False)  # noqa: E712
        .order_by(ChannelAccount.last_seen_at.desc())
    ))
