"""Community group chats: the bot joining and leaving them, binding them by code, finding them."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from store.models import ChannelAccount, CommunityGroup, GroupBindCode, RoleGrant, Venue
from store.people import find_account, get_or_create_account
from store.roles import audit
from store.units import point_id

BIND_CODE_TTL = timedelta(minutes=30)
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud and retyped
CODE_LENGTH = 6
WECOM_GROUP = "wecom_group"


def ensure_group(session: Session, channel: str, external_id: str, title: str = "") -> CommunityGroup:
    """The group row of a chat, created (unbound) with its account when new."""
    account, _ = get_or_create_account(session, channel, external_id, title)
    group = session.exec(select(CommunityGroup).where(CommunityGroup.account_id == account.id)).first()
    if group is None:
        group = CommunityGroup(account_id=account.id, title=title[:100])
        session.add(group)
        session.flush()
    elif title and group.title != title[:100]:
        group.title = title[:100]
        session.add(group)
    return group


def group_of_chat(session: Session, channel: str, external_id: str) -> CommunityGroup | None:
    """The group row of a chat, if the bot knows it."""
    account = find_account(session, channel, external_id)
    if account is None:
        return None
    return session.exec(select(CommunityGroup).where(CommunityGroup.account_id == account.id)).first()


def group_joined(session: Session, channel: str, external_id: str, title: str,
                 now: datetime) -> CommunityGroup:
    """The bot was added to a chat: remember it; a chat it had left waits for a new binding."""
    group = ensure_group(session, channel, external_id, title)
    audit(session, "group.joined", actor=f"{channel}:{external_id}", target=f"group:{group.id}",
          detail={"title": title}, now=now)
    return group


def group_left(session: Session, channel: str, external_id: str, now: datetime) -> CommunityGroup | None:
    """The bot was removed from a chat: no notice goes there any more."""
    group = group_of_chat(session, channel, external_id)
    if group is None:
        return None
    group.active, group.removed_at = False, now
    session.add(group)
    account = session.get(ChannelAccount, group.account_id)
    if account is not None:
        account.unreachable = True
        session.add(account)
    audit(session, "group.removed", actor=f"{channel}:{external_id}", target=f"group:{group.id}",
          detail={"community": group.community, "grid": group.grid}, now=now)
    return group


def _activate(session: Session, group: CommunityGroup, community: str, grid: str,
              resident_id: int | None, now: datetime) -> None:
    group.community, group.grid = community[:60], grid[:60]
    group.unit_id = point_id(session, group.community)
    group.bound_by, group.bound_at = resident_id, now
    group.active, group.removed_at = True, None
    session.add(group)
    account = session.get(ChannelAccount, group.account_id)
    if account is not None and account.unreachable:
        account.unreachable = False
        session.add(account)
    session.flush()


# -- bind codes -------------------------------------------------------------------------------

def issue_bind_code(session: Session, resident_id: int, community: str, grid: str, now: datetime,
                    ttl: timedelta = BIND_CODE_TTL) -> GroupBindCode:
    """A fresh one-time code that binds one group to the community and grid."""
    for _ in range(20):
        code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
        if session.exec(select(GroupBindCode.id).where(GroupBindCode.code == code)).first() is None:
            break
    row = GroupBindCode(code=code, community=community[:60], grid=grid[:60], created_by=resident_id,
                        expires_at=now + ttl, created_at=now)
    session.add(row)
    session.flush()
    audit(session, "group.bindcode", actor_resident_id=resident_id, target=f"bindcode:{row.id}",
          detail={"community": community, "grid": grid}, now=now)
    return row


def peek_bind_code(session: Session, code: str) -> GroupBindCode | None:
    """The code row a typed code names, without using it."""
    cleaned = (code or "").strip().upper()
    return session.exec(select(GroupBindCode).where(GroupBindCode.code == cleaned)).first()


@dataclass(frozen=True)
class BindResult:
    """status: bound, unknown, used, expired or not_yours."""

    status: str
    group: CommunityGroup | None = None
    previous: str = ""  # the community the group was bound to before, if another


def bind_group(session: Session, code: str, resident_id: int, channel: str, external_id: str,
               title: str, now: datetime) -> BindResult:
    """Use a code typed in a chat by the worker who got it: the chat is bound to its community."""
    row = session.exec(select(GroupBindCode).where(GroupBindCode.code == (code or "").strip().upper())
                       .with_for_update()).first()
    status = None
    if row is None:
        status = "unknown"
    elif row.used_at is not None:
        status = "used"
    elif row.expires_at <= now:
        status = "expired"
    elif row.created_by != resident_id:  # a code seen by someone else must not bind their group
        status = "not_yours"
    if status is not None:
        audit(session, f"group.bind_{status}", actor_resident_id=resident_id,
              target=f"{channel}:{external_id}", now=now)
        return BindResult(status)
    group = ensure_group(session, channel, external_id, title)
    previous = group.community if group.active and group.community != row.community else ""
    _activate(session, group, row.community, row.grid, resident_id, now)
    row.used_at, row.group_id = now, group.id
    session.add(row)
    audit(session, "group.bind", actor_resident_id=resident_id, target=f"group:{group.id}",
          detail={"community": row.community, "grid": row.grid, "previous": previous}, now=now)
    return BindResult("bound", group, previous)


def bind_wecom_group(session: Session, chat_id: str, community: str, grid: str, title: str,
                     resident_id: int | None, now: datetime, channel: str = WECOM_GROUP) -> CommunityGroup:
    """A WeCom group chat the bot created (or a customer group): bound to its community and grid."""
    group = ensure_group(session, channel, chat_id, title)
    _activate(session, group, community, grid, resident_id, now)
    audit(session, "group.bind", actor_resident_id=resident_id, actor="" if resident_id else "cli",
          target=f"group:{group.id}", detail={"community": community, "grid": grid, "chat": chat_id},
          now=now)
    return group


# -- finding groups ---------------------------------------------------------------------------

def reachable_groups(session: Session, communities: list[str] | None = None,
                     grid: str | None = None) -> list[tuple[CommunityGroup, ChannelAccount]]:
    """Active groups (of the communities, of one grid) whose chat still takes messages."""
    query = (select(CommunityGroup, ChannelAccount)
             .join(ChannelAccount, ChannelAccount.id == CommunityGroup.account_id)
             .where(CommunityGroup.active == True, ChannelAccount.unreachable == False))  # noqa: E712
    if communities is not None:
        query = query.where(CommunityGroup.community.in_(communities))
    if grid is not None:
        query = query.where(CommunityGroup.grid == grid)
    rows = session.exec(query.order_by(CommunityGroup.community, CommunityGroup.grid,
                                       CommunityGroup.id)).all()
    return [(group, account) for group, account in rows]


def all_groups(session: Session) -> list[tuple[CommunityGroup, ChannelAccount]]:
    """Every group the bot knows, bound or not (for staff listings)."""
    rows = session.exec(select(CommunityGroup, ChannelAccount)
                        .join(ChannelAccount, ChannelAccount.id == CommunityGroup.account_id)
                        .order_by(CommunityGroup.community, CommunityGroup.grid, CommunityGroup.id))
    return [(group, account) for group, account in rows.all()]


def grids_of(session: Session, community: str) -> list[str]:
    """The named grids of a community that have a bound group."""
    rows = session.exec(select(CommunityGroup.grid).where(
        CommunityGroup.community == community, CommunityGroup.active == True,  # noqa: E712
        CommunityGroup.grid != "").distinct())
    return sorted(set(rows.all()))


def known_communities(session: Session) -> list[str]:
    """Communities the district knows: of bound groups, of venues and of staff roles."""
    names: set[str] = set()
    names.update(session.exec(select(CommunityGroup.community).where(
        CommunityGroup.active == True)).all())  # noqa: E712
    names.update(session.exec(select(Venue.community)).all())
    names.update(session.exec(select(RoleGrant.community)).all())
    return sorted(name for name in names if name)
