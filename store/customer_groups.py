"""WeCom customer groups (客户群): syncing and binding them, one 群发 task per owner for a notice,
the outcome per group, and residents added through a grid worker's 联系我 code."""
from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from store.groups import bind_wecom_group
from store.models import (ChannelAccount, CommunityGroup, ContactWay, CustomerGroup, CustomerGroupSend,
                          CustomerGroupTask, ExternalContact, Notice, OutboxMessage, RoleGrant)
from store.models.staff import GRID_STAFF
from store.models.customer_groups import FAILED, SENT, WAITING
from store.outbox import enqueue
from store.people import find_account, get_or_create_account
from store.roles import audit

CUSTOMER_CHAT = "wecom_customer_chat"    # the account of a customer group: never sent to directly
TASK_TARGET = "wecom_customer_group"     # the outbox target: a grid worker's 群发 tasks
EXTERNAL = "wecom_external"              # a resident on WeChat known as an external contact
MEMBER = "wecom"
NOTICE_KIND = "notice"
CONFIRM_KIND = "notice_confirm"


# -- sync and bind ----------------------------------------------------------------------------

def record_synced(session: Session, found: list[dict[str, Any]], now: datetime) -> int:
    """Save the groups a sync listed (chat_id, name, owner, member_count); how many are new."""
    new = 0
    for item in found:
        row = session.get(CustomerGroup, item["chat_id"])
        if row is None:
            row, new = CustomerGroup(chat_id=item["chat_id"]), new + 1
        row.name, row.owner = str(item.get("name") or "")[:100], item["owner"]
        row.member_count, row.synced_at = int(item.get("member_count") or 0), now
        session.add(row)
        group = _group_row(session, row.chat_id)
        if group is not None and row.name and group.title != row.name:
            group.title = row.name
            session.add(group)
    session.flush()
    return new


def _group_row(session: Session, chat_id: str) -> CommunityGroup | None:
    account = find_account(session, CUSTOMER_CHAT, chat_id)
    if account is None:
        return None
    return session.exec(select(CommunityGroup).where(CommunityGroup.account_id == account.id)).first()


def synced_groups(session: Session) -> list[tuple[CustomerGroup, CommunityGroup | None]]:
    """Every synced customer group with its binding (None: never bound), by owner and name."""
    rows = session.exec(select(CustomerGroup).order_by(CustomerGroup.owner, CustomerGroup.name,
                                                       CustomerGroup.chat_id)).all()
    return [(row, _group_row(session, row.chat_id)) for row in rows]


def bind_customer_group(session: Session, chat_id: str, community: str, grid: str,
                        now: datetime) -> CommunityGroup | None:
    """Bind a synced customer group to a community (and grid); None when it was never synced."""
    row = session.get(CustomerGroup, chat_id)
    if row is None:
        return None
    return bind_wecom_group(session, chat_id, community, grid, row.name, None, now, channel=CUSTOMER_CHAT)


# -- tasks ------------------------------------------------------------------------------------

def is_customer_group(account: ChannelAccount) -> bool:
    """True for the account of a customer group (reached by a 群发 task, not a message)."""
    return account.channel == CUSTOMER_CHAT


def queue_tasks(session: Session, notice: Notice, pairs: list[tuple[CommunityGroup, ChannelAccount]],
                payload: dict[str, Any], due_at: datetime, urgent: bool) -> int:
    """One 群发 task (an outbox row) per owner covering all their targeted groups; groups queued."""
    by_owner: dict[str, list[tuple[CommunityGroup, str]]] = defaultdict(list)
    for group, account in pairs:
        synced = session.get(CustomerGroup, account.external_id)
        if synced is not None:
            by_owner[synced.owner].append((group, synced.chat_id))
    queued = 0
    for owner, groups in sorted(by_owner.items()):
        key = f"notice:{notice.id}:task:{owner}"[:160]
        line, _ = get_or_create_account(session, TASK_TARGET, owner, owner)
        if not enqueue(session, idem_key=key, kind=NOTICE_KIND, payload=payload, due_at=due_at,
                       resident_id=line.resident_id, account_id=line.id, urgent=urgent):
            continue
        task = CustomerGroupTask(notice_id=notice.id, owner=owner, outbox_key=key, created_at=notice.created_at)
        session.add(task)
        session.flush()
        for group, chat_id in groups:
            session.add(CustomerGroupSend(task_id=task.id, group_id=group.id, chat_id=chat_id))
        queued += len(groups)
    session.flush()
    return queued


def task_of_key(session: Session, key: str) -> tuple[CustomerGroupTask, list[str]] | None:
    """The task an outbox row creates and the chat ids it targets."""
    task = session.exec(select(CustomerGroupTask).where(CustomerGroupTask.outbox_key == key)).first()
    if task is None:
        return None
    chats = session.exec(select(CustomerGroupSend.chat_id).where(CustomerGroupSend.task_id == task.id)
                         .order_by(CustomerGroupSend.id)).all()
    return task, list(chats)


def task_created(session: Session, key: str, msgid: str, confirm: dict[str, Any],
                 failed_chats: list[str], now: datetime) -> CustomerGroupTask | None:
    """WeCom accepted the task: keep its msgid and tell the worker to confirm it, in one go."""
    task = session.exec(select(CustomerGroupTask).where(CustomerGroupTask.outbox_key == key)
                         .with_for_update()).first()
    if task is None or task.msgid:
        return task
    task.msgid, task.sent_at = msgid[:100], now
    session.add(task)
    if failed_chats:
        record_results(session, task.id, {chat: FAILED for chat in failed_chats}, now)
    worker, _ = get_or_create_account(session, MEMBER, task.owner)
    enqueue(session, idem_key=f"{key}:confirm"[:160], kind=CONFIRM_KIND, payload=confirm, due_at=now,
            resident_id=worker.resident_id, account_id=worker.id, urgent=True)
    audit(session, "notice.task", actor=f"wecom:{task.owner}", target=f"notice:{task.notice_id}",
          detail={"msgid": msgid, "failed": failed_chats}, now=now)
    return task


def open_tasks(session: Session, since: datetime) -> list[CustomerGroupTask]:
    """Tasks created since `since` with some group still waiting for the worker's confirmation."""
    waiting = select(CustomerGroupSend.task_id).where(CustomerGroupSend.status == WAITING)
    return list(session.exec(select(CustomerGroupTask).where(
        CustomerGroupTask.msgid != "", CustomerGroupTask.sent_at >= since,
        CustomerGroupTask.id.in_(waiting)).order_by(CustomerGroupTask.id)))


def record_results(session: Session, task_id: int, statuses: dict[str, str], now: datetime,
                   sent_times: dict[str, datetime] | None = None) -> int:
    """Store what WeCom says of each group of a task; how many changed."""
    changed = 0
    for send in session.exec(select(CustomerGroupSend).where(CustomerGroupSend.task_id == task_id)):
        status = statuses.get(send.chat_id)
        if status in (SENT, FAILED) and send.status != status:
            send.status = status
            send.sent_at = (sent_times or {}).get(send.chat_id) or (now if status == SENT else None)
            session.add(send)
            changed += 1
    task = session.get(CustomerGroupTask, task_id)
    if task is not None:
        task.checked_at = now
        session.add(task)
    session.flush()
    return changed


def notice_sends(session: Session, notice_id: int) -> list[tuple[CustomerGroupTask, CustomerGroupSend,
                                                                  CommunityGroup, OutboxMessage | None]]:
    """Every customer group a notice targets: its task, its send, its group, the task's outbox row."""
    out = []
    tasks = session.exec(select(CustomerGroupTask).where(CustomerGroupTask.notice_id == notice_id)
                         .order_by(CustomerGroupTask.id)).all()
    for task in tasks:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.idem_key == task.outbox_key)).first()
        for send in session.exec(select(CustomerGroupSend).where(CustomerGroupSend.task_id == task.id)
                                 .order_by(CustomerGroupSend.id)):
            out.append((task, send, session.get(CommunityGroup, send.group_id), row))
    return out


# -- 联系我 and external contacts ---------------------------------------------------------------

def new_state() -> str:
    """A fresh state for a 联系我 code (WeCom allows 30 characters)."""
    return "linli-" + secrets.token_hex(6)


def record_contact_way(session: Session, state: str, community: str, user: str, config_id: str,
                       qr_code: str, now: datetime) -> ContactWay:
    """Remember a 联系我 code WeCom made, and the community its state names."""
    row = ContactWay(state=state, community=community[:60], user=user[:64], config_id=config_id[:100],
                     qr_code=qr_code[:500], created_at=now)
    session.add(row)
    session.flush()
    audit(session, "contact_way.create", actor="cli", target=f"contact_way:{row.id}",
          detail={"community": community, "user": user}, now=now)
    return row


def link_external_contact(session: Session, external_userid: str, user: str, state: str,
                          now: datetime) -> ExternalContact | None:
    """A resident added a worker through a 联系我 code: their account belongs to its community.

    None when the state is not one of ours (added some other way): nothing is recorded."""
    way = session.exec(select(ContactWay).where(ContactWay.state == state)).first() if state else None
    if way is None or not external_userid:
        return None
    account, _ = get_or_create_account(session, EXTERNAL, external_userid)
    row = session.get(ExternalContact, external_userid)
    if row is None:
        row = ExternalContact(external_userid=external_userid, account_id=account.id, community=way.community,
                              added_by=user[:64], state=state, added_at=now)
    else:
        row.community, row.added_by, row.state = way.community, user[:64], state
    session.add(row)
    session.flush()
    audit(session, "contact.linked", actor=f"wecom:{user}", target=f"account:{account.id}",
          detail={"community": way.community, "state": state}, now=now)
    return row


def grid_workers_on_wecom(session: Session) -> list[str]:
    """The WeCom userids of people with the grid_staff role (their customer groups are synced)."""
    rows = session.exec(select(ChannelAccount.external_id).join(
        RoleGrant, RoleGrant.resident_id == ChannelAccount.resident_id).where(
        RoleGrant.role == GRID_STAFF, ChannelAccount.channel == MEMBER).distinct())
    return sorted(rows.all())
