"""Family links: one-time codes an elder (or staff for them) gives a relative, and the links they make."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from store.models import FamilyCode, FamilyLink, Resident
from store.linking import fresh_code
from store.roles import audit

CODE_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class LinkResult:
    """status: linked, already, own (the elder's own code), or invalid (unknown, used or expired)."""

    status: str
    elder_id: int | None = None


def _live(session: Session, code: str, now: datetime) -> list[FamilyCode]:
    return list(session.exec(select(FamilyCode).where(
        FamilyCode.code == code, FamilyCode.used_at.is_(None), FamilyCode.expires_at > now)))


def issue_family_code(session: Session, elder_id: int, created_by: int, now: datetime,
                      ttl: timedelta = CODE_TTL) -> FamilyCode:
    """A fresh 6-digit code for the elder; their earlier unused codes stop working."""
    session.execute(update(FamilyCode).where(
        FamilyCode.elder_id == elder_id, FamilyCode.used_at.is_(None), FamilyCode.expires_at > now,
    ).values(expires_at=now))
    code = fresh_code(lambda candidate: bool(_live(session, candidate, now)))
    row = FamilyCode(code=code, elder_id=elder_id, created_by=created_by, expires_at=now + ttl, created_at=now)
    session.add(row)
    session.flush()
    audit(session, "family.code", actor_resident_id=created_by, target=f"resident:{elder_id}", now=now)
    return row


def redeem_family_code(session: Session, code: str, member_id: int, now: datetime) -> LinkResult:
    """Use a code: the typing person becomes a linked relative of the code's elder."""
    rows = _live(session, code.strip(), now)
    if len(rows) != 1:
        return LinkResult("invalid")
    row = rows[0]
    if row.elder_id == member_id:
        return LinkResult("own", row.elder_id)
    claimed = session.execute(update(FamilyCode).where(
        FamilyCode.id == row.id, FamilyCode.used_at.is_(None)).values(used_at=now, used_by=member_id)).rowcount
    if claimed != 1:  # another worker used it a moment ago
        return LinkResult("invalid")
    if live_link(session, row.elder_id, member_id) is not None:
        return LinkResult("already", row.elder_id)
    session.add(FamilyLink(elder_id=row.elder_id, member_id=member_id, created_at=now))
    session.flush()
    audit(session, "family.link", actor_resident_id=member_id, target=f"resident:{row.elder_id}",
          detail={"code": row.id}, now=now)
    return LinkResult("linked", row.elder_id)


def live_link(session: Session, elder_id: int, member_id: int) -> FamilyLink | None:
    """The link between an elder and a relative, unless removed."""
    return session.exec(select(FamilyLink).where(FamilyLink.elder_id == elder_id, FamilyLink.member_id == member_id,
                                                 FamilyLink.removed_at.is_(None))).first()


def elders_of(session: Session, member_id: int) -> list[Resident]:
    """The people a relative may act for."""
    return list(session.exec(select(Resident).join(FamilyLink, FamilyLink.elder_id == Resident.id).where(
        FamilyLink.member_id == member_id, FamilyLink.removed_at.is_(None),
        Resident.erased_at.is_(None)).order_by(FamilyLink.id)))


def family_of(session: Session, elder_id: int) -> list[tuple[FamilyLink, Resident]]:
    """The elder's linked relatives."""
    return list(session.exec(select(FamilyLink, Resident).join(Resident, Resident.id == FamilyLink.member_id).where(
        FamilyLink.elder_id == elder_id, FamilyLink.removed_at.is_(None)).order_by(FamilyLink.id)))


def remove_link(session: Session, link_id: int, elder_id: int, now: datetime) -> FamilyLink | None:
    """The elder ends a link; None when it is not theirs or already removed."""
    link = session.get(FamilyLink, link_id)
    if link is None or link.elder_id != elder_id or link.removed_at is not None:
        return None
    link.removed_at = now
    session.add(link)
    audit(session, "family.unlink", actor_resident_id=elder_id, target=f"resident:{link.member_id}", now=now)
    return link
