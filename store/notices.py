"""Notices: who a target reaches, queuing one outbox row per group and subscriber, cancelling,
and what became of every row (the delivery report)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from store.customer_groups import is_customer_group, notice_sends, queue_tasks
from store.groups import reachable_groups
from store.models.customer_groups import FAILED as GROUP_FAILED
from store.models.customer_groups import SENT as GROUP_SENT
from store.models import CommunityGroup, Notice, NoticeSubscription, OutboxMessage
from store.models.notices import ALL, CANCELLED, COMMUNITY, GRID, SCHEDULED, SENT, TEXT_MAX
from store.models.outbox import DEAD, FAILED, HELD, PENDING, SENDING, SKIPPED
from store.models.outbox import SENT as ROW_SENT
from store.outbox import Recipient, enqueue_for_residents, enqueue_many
from store.roles import audit
from store.units import point_id, root_unit

KIND = "notice"
CANCEL_REASON = "cancelled"
TARGET_KINDS = (GRID, COMMUNITY, ALL)


@dataclass(frozen=True)
class Target:
    """Where a notice goes: one grid, one community, or every group in `communities` (None: all)."""

    kind: str
    community: str = ""
    grid: str = ""
    communities: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (kept in dialog state between steps)."""
        return {"kind": self.kind, "community": self.community, "grid": self.grid,
                "communities": list(self.communities) if self.communities is not None else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Target":
        """The inverse of to_dict."""
        found = data.get("communities")
        return cls(data["kind"], data.get("community", ""), data.get("grid", ""),
                   tuple(found) if found is not None else None)


def target_groups(session: Session, target: Target):
    """The reachable groups a target names, as (group, account) pairs."""
    if target.kind == GRID:
        return reachable_groups(session, [target.community], target.grid)
    if target.kind == COMMUNITY:
        return reachable_groups(session, [target.community])
    return reachable_groups(session, list(target.communities) if target.communities is not None else None)


def subscribers_query(target: Target):
    """The ids of residents subscribed to the target's communities, as a query; None for a grid."""
    if target.kind == GRID:
        return None
    query = select(NoticeSubscription.resident_id).distinct()
    if target.kind == COMMUNITY:
        query = query.where(NoticeSubscription.community == target.community)
    elif target.communities is not None:
        query = query.where(NoticeSubscription.community.in_(list(target.communities)))
    return query


def target_subscribers(session: Session, target: Target) -> list[int]:
    """Residents who subscribed to the target's communities (grid notices stay in the groups)."""
    query = subscribers_query(target)
    return [] if query is None else sorted(session.exec(query).all())


def queue_subscribers(session: Session, notice: Notice, target: Target, payload: dict[str, Any]) -> int:
    """A notice's row for every subscriber of the target, written by the database in one statement;
    how many were new (a second run for the same notice adds none)."""
    query = subscribers_query(target)
    if query is None:
        return 0
    return enqueue_for_residents(session, key_prefix=f"notice:{notice.id}:resident:", residents=query,
                                 kind=KIND, payload=payload, due_at=notice.send_at, urgent=notice.urgent)


def create_notice(session: Session, *, author_id: int, text: str, target: Target, send_at: datetime,
                  urgent: bool, payload: dict[str, Any], now: datetime) -> Notice:
    """Record a notice and queue it to every reachable group and subscriber of the target."""
    if target.kind not in TARGET_KINDS:
        raise ValueError(f"unknown target kind: {target.kind}")
    if not text.strip() or len(text) > TEXT_MAX:
        raise ValueError("notice text must be 1 to 1000 characters")
    notice = Notice(author_id=author_id, text=text, target_kind=target.kind,
                    community=target.community if target.kind != ALL else "",
                    grid=target.grid if target.kind == GRID else "", send_at=send_at, urgent=urgent,
                    status=SCHEDULED, created_at=now)
    root = root_unit(session)
    notice.unit_id = point_id(session, notice.community) if notice.community else root.id if root else None
    session.add(notice)
    session.flush()
    pairs = target_groups(session, target)
    # Customer groups are reached by one 群发 task per owning grid worker, not one row per group.
    notice.groups += queue_tasks(session, notice, [p for p in pairs if is_customer_group(p[1])],
                                 payload, send_at, urgent)
    notice.groups += queue_notice(session, notice, [
        (f"notice:{notice.id}:group:{group.id}", account.resident_id, account.id)
        for group, account in pairs if not is_customer_group(account)], payload)
    notice.subscribers += queue_subscribers(session, notice, target, payload)
    session.add(notice)
    audit(session, "notice.send", actor_resident_id=author_id, target=f"notice:{notice.id}",
          detail={"kind": target.kind, "community": target.community, "grid": target.grid,
                  "groups": notice.groups, "subscribers": notice.subscribers, "urgent": urgent,
                  "send_at": send_at.isoformat()}, now=now)
    return notice


def queue_notice(session: Session, notice: Notice, recipients: list[Recipient], payload: dict[str, Any]) -> int:
    """A notice's rows for (idem_key, resident_id, account_id) recipients, in multi-row inserts;
    how many were new (a second run for the same notice adds none)."""
    return enqueue_many(session, kind=KIND, payload=payload, due_at=notice.send_at, recipients=recipients,
                        urgent=notice.urgent)


def cancel_notice(session: Session, notice_id: int, resident_id: int, now: datetime) -> int | None:
    """Stop a notice's rows that have not gone yet; how many were stopped (None: nothing to cancel)."""
    notice = session.exec(select(Notice).where(Notice.id == notice_id).with_for_update()).first()
    if notice is None or notice.status == CANCELLED:
        return None
    # A row a worker is sending right now (locked, status sending) is left to finish.
    stopped = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.idem_key.startswith(f"notice:{notice_id}:"),
               OutboxMessage.status.in_((PENDING, FAILED, HELD)))
        .values(status=SKIPPED, last_error=CANCEL_REASON, lease_until=None)
        .execution_options(synchronize_session=False)).rowcount
    if not stopped:
        return None
    notice.status, notice.cancelled_at = CANCELLED, now
    session.add(notice)
    audit(session, "notice.cancel", actor_resident_id=resident_id, target=f"notice:{notice_id}",
          detail={"stopped": stopped}, now=now)
    return stopped


# -- the delivery report ----------------------------------------------------------------------

# What the delivery report makes of an outbox row's status.
DELIVERED, FAILED_FOR_GOOD, WAITING, STOPPED = "sent", "failed", "waiting", "cancelled"
# A customer group whose 群发 task exists and waits for the worker to confirm it in WeCom.
AWAITING_CONFIRMATION = "unconfirmed"
_OUTCOME = {ROW_SENT: DELIVERED, DEAD: FAILED_FOR_GOOD, PENDING: WAITING, SENDING: WAITING,
            FAILED: WAITING, HELD: WAITING, SKIPPED: STOPPED}


@dataclass(frozen=True)
class Delivery:
    """One row of a notice: to a group (group set) or to a subscriber, and its outcome."""

    outcome: str
    error: str
    sent_at: datetime | None
    due_at: datetime
    group: CommunityGroup | None = None
    resident_id: int | None = None
    customer: bool = False  # a customer group, reached through its owner's 群发 task


@dataclass
class Report:
    """A notice with its deliveries and counts by outcome."""

    notice: Notice
    deliveries: list[Delivery] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def cancellable(self) -> bool:
        """True while some row has not gone yet."""
        return self.notice.status != CANCELLED and self.counts[WAITING] > 0


def _rows(session: Session, notice_ids: list[int]) -> dict[int, list[OutboxMessage]]:
    out: dict[int, list[OutboxMessage]] = {nid: [] for nid in notice_ids}
    if not notice_ids:
        return out
    prefixes = [OutboxMessage.idem_key.startswith(f"notice:{nid}:") for nid in notice_ids]
    for row in session.exec(select(OutboxMessage).where(or_(*prefixes)).order_by(OutboxMessage.id)):
        out[int(row.idem_key.split(":", 2)[1])].append(row)
    return out


def _is_task(row: OutboxMessage) -> bool:
    return ":task:" in row.idem_key


def customer_deliveries(session: Session, notice_id: int) -> list[Delivery]:
    """The customer groups of a notice: waiting for the worker's confirmation, sent or failed."""
    out = []
    for task, send, group, row in notice_sends(session, notice_id):
        status = row.status if row is not None else PENDING
        if send.status == GROUP_SENT:
            outcome = DELIVERED
        elif send.status == GROUP_FAILED or status == DEAD:
            outcome = FAILED_FOR_GOOD
        elif status == SKIPPED:
            outcome = STOPPED
        else:
            outcome = AWAITING_CONFIRMATION if status == ROW_SENT else WAITING
        error = row.last_error if row is not None and status == DEAD else ""
        out.append(Delivery(outcome, error,
                            send.sent_at, row.due_at if row is not None else task.created_at, group,
                            customer=True))
    return out


def _settle(session: Session, notice: Notice, counts: Counter) -> None:
    # A scheduled notice with nothing left waiting has been sent.
    if notice.status == SCHEDULED and not counts[WAITING]:
        notice.status = SENT
        session.add(notice)


def delivery_report(session: Session, notice_id: int) -> Report | None:
    """Every row of a notice with its outcome; groups first, in the order they were queued."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        return None
    rows = [r for r in _rows(session, [notice_id])[notice_id] if not _is_task(r)]
    group_ids = [int(r.idem_key.rsplit(":", 1)[1]) for r in rows if ":group:" in r.idem_key]
    groups = {g.id: g for g in session.exec(
        select(CommunityGroup).where(CommunityGroup.id.in_(group_ids)))} if group_ids else {}
    report = Report(notice)
    for row in rows:
        outcome = _OUTCOME.get(row.status, WAITING)
        group = groups.get(int(row.idem_key.rsplit(":", 1)[1])) if ":group:" in row.idem_key else None
        report.deliveries.append(Delivery(outcome, row.last_error, row.sent_at, row.due_at, group,
                                          None if group else row.resident_id))
        report.counts[outcome] += 1
    for delivery in customer_deliveries(session, notice_id):
        report.deliveries.append(delivery)
        report.counts[delivery.outcome] += 1
    report.deliveries.sort(key=lambda d: d.group is None)
    _settle(session, notice, report.counts)
    return report


def recent_notices(session: Session, author_id: int, limit: int = 8) -> list[tuple[Notice, Counter]]:
    """A worker's latest notices with counts by outcome."""
    notices = list(session.exec(select(Notice).where(Notice.author_id == author_id)
                                .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)))
    rows = _rows(session, [n.id for n in notices])
    out = []
    for notice in notices:
        counts = Counter(_OUTCOME.get(r.status, WAITING) for r in rows[notice.id] if not _is_task(r))
        counts.update(d.outcome for d in customer_deliveries(session, notice.id))
        _settle(session, notice, counts)
        out.append((notice, counts))
    return out


# -- private subscriptions --------------------------------------------------------------------

def subscriptions_of(session: Session, resident_id: int) -> list[str]:
    """The communities whose notices a resident gets in private chat."""
    return sorted(session.exec(select(NoticeSubscription.community).where(
        NoticeSubscription.resident_id == resident_id)).all())


def subscribe(session: Session, resident_id: int, community: str, now: datetime) -> bool:
    """Subscribe a resident to a community's notices; False when already subscribed."""
    try:
        with session.begin_nested():
            session.add(NoticeSubscription(resident_id=resident_id, community=community[:60],
                                           created_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def unsubscribe(session: Session, resident_id: int, community: str) -> bool:
    """Stop a subscription; False when there was none."""
    row = session.exec(select(NoticeSubscription).where(
        NoticeSubscription.resident_id == resident_id, NoticeSubscription.community == community)).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
