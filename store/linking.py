"""Linking accounts: one-time codes, and merging a second resident into the first."""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from store.clock import utcnow
from store.enrolments import live_enrolment, lock_course, promote_all, resident_enrolments
from store.models import ChannelAccount, Enrolment, LinkCode, LinkFailure, OutboxMessage, Resident
from store.models.enrolment import CANCELLED, CONFIRMED
from store.models.outbox import PENDING
from store.outbox import drop_pending
from store.web_sessions import mark_for_rotation

CODE_TTL = timedelta(minutes=10)
FAIL_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class MergeResult:
    """What merging changed: places promoted from a waiting list, courses where a place was given up."""

    promoted: list[Enrolment] = field(default_factory=list)
    given_up: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RedeemResult:
    """status is linked, invalid (unknown, used or expired) or own (the resident's own code)."""

    status: str
    resident_id: int | None = None
    merge: MergeResult = field(default_factory=MergeResult)


def fresh_code(taken: Callable[[str], bool]) -> str:
    """A random 6-digit code that is not taken (after 20 draws, the last one drawn)."""
    code = f"{secrets.randbelow(10 ** 6):06d}"
    for _ in range(20):
        if not taken(code):
            break
        code = f"{secrets.randbelow(10 ** 6):06d}"
    return code


def _live_codes(session: Session, code: str, now: datetime) -> list[LinkCode]:
    return list(session.scalars(select(LinkCode).where(
        LinkCode.code == code, LinkCode.used_at.is_(None), LinkCode.expires_at > now)))


def issue_code(session: Session, resident_id: int, now: datetime, ttl: timedelta = CODE_TTL) -> str:
    """A fresh 6-digit code for the resident; their earlier codes stop working."""
    session.execute(update(LinkCode).where(
        LinkCode.resident_id == resident_id, LinkCode.used_at.is_(None), LinkCode.expires_at > now,
    ).values(expires_at=now))
    code = fresh_code(lambda candidate: bool(_live_codes(session, candidate, now)))
    session.add(LinkCode(code=code, resident_id=resident_id, expires_at=now + ttl, created_at=now))
    session.flush()
    return code


def redeem_code(session: Session, code: str, resident_id: int, now: datetime) -> RedeemResult:
    """Use a code: the typing resident is merged into the code's resident."""
    rows = _live_codes(session, code, now)
    if len(rows) != 1:  # two live codes alike is a one-in-a-million clash: refuse rather than guess
        return RedeemResult("invalid")
    row = rows[0]
    if row.resident_id == resident_id:
        return RedeemResult("own", resident_id)
    claimed = session.execute(update(LinkCode).where(
        LinkCode.id == row.id, LinkCode.used_at.is_(None)).values(used_at=now)).rowcount
    if claimed != 1:  # another worker used it a moment ago
        return RedeemResult("invalid")
    merge = merge_residents(session, keep_id=row.resident_id, drop_id=resident_id)
    return RedeemResult("linked", row.resident_id, merge)


def record_failure(session: Session, account_id: int, now: datetime) -> None:
    """Remember a wrong code; rows older than the window are cleared on the way."""
    session.execute(delete(LinkFailure).where(LinkFailure.created_at < now - FAIL_WINDOW))
    session.add(LinkFailure(account_id=account_id, created_at=now))
    session.flush()


def recent_failures(session: Session, now: datetime, account_id: int | None = None) -> int:
    """Wrong codes inside the window, of one account or of everyone."""
    query = select(func.count()).select_from(LinkFailure).where(
        LinkFailure.created_at >= now - FAIL_WINDOW)
    if account_id is not None:
        query = query.where(LinkFailure.account_id == account_id)
    return session.scalar(query) or 0


def _better(a: Enrolment, b: Enrolment) -> bool:
    """True when place a beats place b: a seat beats the waiting list, then earlier in line."""
    if a.status != b.status:
        return a.status == CONFIRMED
    return a.status != CONFIRMED and a.queue_no < b.queue_no


def _merge_enrolments(session: Session, keep_id: int, drop_id: int, result: MergeResult) -> None:
    for theirs in resident_enrolments(session, drop_id):
        course = lock_course(session, theirs.course_id)
        ours = live_enrolment(session, theirs.course_id, keep_id)
        if ours is not None and _better(theirs, ours):
            ours.status = CANCELLED  # only ever a waiting place here: no seat is freed
            ours.cancelled_at = utcnow()
            session.add(ours)
            session.flush()
            ours = None
        if ours is None:
            theirs.resident_id = keep_id
            session.add(theirs)
            session.flush()
            continue
        was_confirmed = theirs.status == CONFIRMED
        theirs.status = CANCELLED
        theirs.cancelled_at = utcnow()
        session.add(theirs)
        session.flush()
        result.given_up.append(theirs.course_id)
        drop_pending(session, f"reminder:course:{theirs.course_id}:resident:{drop_id}:")
        if was_confirmed and course is not None:
            result.promoted.extend(promote_all(session, course))  # a party's seats may seat several


def _merge_outbox(session: Session, keep_id: int, drop_id: int) -> None:
    # Keys like reminder:course:3:resident:7:... name the resident; they follow the move.
    pattern = re.compile(rf"(^|:)resident:{drop_id}(?=:|$)")
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.resident_id == drop_id)).all()
    for row in rows:
        new_key = pattern.sub(rf"\1resident:{keep_id}", row.idem_key)
        if new_key != row.idem_key:
            taken = session.scalar(select(OutboxMessage.id).where(OutboxMessage.idem_key == new_key))
            if taken is None:
                row.idem_key = new_key
            elif row.status == PENDING:
                session.delete(row)  # the kept resident already gets the same push
                continue
        row.resident_id = keep_id
        session.add(row)
    session.flush()


def _move_references(session: Session, keep_id: int, drop_id: int) -> None:
    """Point every other column that refers to a resident at the kept one."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name == Resident.__tablename__:
            continue
        for column in table.columns:
            if not any(fk.column.table.name == Resident.__tablename__ for fk in column.foreign_keys):
                continue
            try:
                with session.begin_nested():
                    session.execute(update(table).where(column == drop_id).values({column.name: keep_id}))
            except IntegrityError:
                _move_one_by_one(session, table, column, keep_id, drop_id)


def _move_one_by_one(session: Session, table, column, keep_id: int, drop_id: int) -> None:
    # A row that would clash with the kept resident's own (one rating per session …) is dropped.
    keys = list(table.primary_key.columns)
    for pk in session.execute(select(*keys).where(column == drop_id)).all():
        match = [k == v for k, v in zip(keys, pk)]
        try:
            with session.begin_nested():
                session.execute(update(table).where(*match).values({column.name: keep_id}))
        except IntegrityError:
            session.execute(delete(table).where(*match))


def merge_residents(session: Session, keep_id: int, drop_id: int) -> MergeResult:
    """Move everything of resident drop_id to keep_id and delete drop_id, in the caller's transaction."""
    result = MergeResult()
    session.flush()
    # Both people locked, lower id first: a turn of either waits, then sees the merged person.
    session.execute(select(Resident.id).where(Resident.id.in_((keep_id, drop_id)))
                 .order_by(Resident.id).with_for_update()).all()
    _merge_enrolments(session, keep_id, drop_id, result)
    _merge_outbox(session, keep_id, drop_id)
    for account in session.scalars(select(ChannelAccount).where(ChannelAccount.resident_id == drop_id)):
        account.resident_id = keep_id
        session.add(account)
    session.flush()
    # The person behind every web session of the kept resident just grew: each gets a new token.
    mark_for_rotation(session, keep_id)
    _move_references(session, keep_id, drop_id)
    keep, drop = session.get(Resident, keep_id), session.get(Resident, drop_id)
    if keep is not None and drop is not None:
        keep.display_name = keep.display_name or drop.display_name
        session.add(keep)
        session.delete(drop)
    session.flush()
    session.expire_all()  # rows above were changed behind the ORM's back
    return result
