"""Watches (有新课/有名额时提醒我): started, stopped, and claimed when what they wait for happens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from store.models import Watch
from store.models.watch import FREE_SEAT, NEW_COURSE


def watch_of(session: Session, resident_id: int, kind: str, target_id: int) -> Watch | None:
    """The resident's watch of a category or course, if any."""
    return session.exec(select(Watch).where(Watch.resident_id == resident_id, Watch.kind == kind,
                                            Watch.target_id == target_id)).first()


def start_watch(session: Session, resident_id: int, kind: str, target_id: int, now: datetime) -> Watch:
    """Watch a category or course; a free-seat watch already answered starts its next round."""
    watch = watch_of(session, resident_id, kind, target_id)
    if watch is None:
        watch = Watch(resident_id=resident_id, kind=kind, target_id=target_id, created_at=now)
    elif watch.fired_at is not None:
        watch.fired_at = None
        watch.round += 1
    session.add(watch)
    session.flush()
    return watch


def stop_watch(session: Session, resident_id: int, kind: str, target_id: int, now: datetime) -> bool:
    """Stop watching; True when there was a watch. A free-seat watch is kept, closed and in a new
    round, so an alert still waiting to be sent is dropped and its key is never used again."""
    watch = watch_of(session, resident_id, kind, target_id)
    if watch is None:
        return False
    if kind == FREE_SEAT:
        watch.fired_at = watch.fired_at or now
        watch.round += 1
        session.add(watch)
    else:
        session.delete(watch)
    session.flush()
    return True


def category_watches(session: Session, category_id: int) -> list[Watch]:
    """Everyone waiting for new courses in a category."""
    return list(session.exec(select(Watch).where(Watch.kind == NEW_COURSE, Watch.target_id == category_id)
                             .order_by(Watch.id)))


def claim_seat_watches(session: Session, course_id: int, now: datetime) -> list[tuple[int, int, int]]:
    """Mark the free-seat watches of a course answered; (id, resident, round) of each. A watch is
    claimed by one transaction only (the update takes the row; a second sees it answered)."""
    rows = session.execute(
        update(Watch).where(Watch.kind == FREE_SEAT, Watch.target_id == course_id, Watch.fired_at == None)  # noqa: E711
        .values(fired_at=now).returning(Watch.id, Watch.resident_id, Watch.round))
    return sorted(tuple(row) for row in rows)


def rearm_seat_watch(session: Session, watch_id: int, now: datetime) -> None:
    """A free-seat alert that came too late (the seat was taken again): wait for the next seat,
    in the watch's next round."""
    watch = session.get(Watch, watch_id)
    if watch is not None and watch.kind == FREE_SEAT:
        start_watch(session, watch.resident_id, FREE_SEAT, watch.target_id, now)


def seat_watch_course_ids(session: Session) -> list[int]:
    """Courses somebody waits for a free seat in."""
    return sorted(set(session.exec(select(Watch.target_id).where(
        Watch.kind == FREE_SEAT, Watch.fired_at == None))))  # noqa: E711
