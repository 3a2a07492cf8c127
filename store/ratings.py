"""Recording 优/良/中/差 ratings of sessions and summing them up for organizers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from store.db import Database
from store.insert_new import dialect_insert
from store.leaves import confirmed_enrolment, on_leave
from store.models import ClassSession, Course, Rating
from store.models.rating import COMMENT_LIMIT, GRADES


@dataclass(frozen=True)
class RatingResult:
    """What a rating did: status is recorded, already, closed, not_ended, not_enrolled,
    not_found or bad_grade; grade is the one on record when there is one."""

    status: str
    grade: str = ""
    course_id: int | None = None


def rating_of(session: Session, session_id: int, resident_id: int) -> Rating | None:
    """The resident's rating of a session, if any."""
    return session.exec(
        select(Rating).where(Rating.session_id == session_id, Rating.resident_id == resident_id)
    ).first()


def may_rate(session: Session, cls: ClassSession, resident_id: int) -> bool:
    """Only residents holding a seat in the course, and not on leave that day, rate a session."""
    return (confirmed_enrolment(session, cls.course_id, resident_id) is not None
            and not on_leave(session, cls.id, resident_id))


def record_rating(session: Session, session_id: int, resident_id: int, grade: str,
                  now: datetime, closes_at: datetime) -> RatingResult:
    """Record one grade per resident per session; the unique constraint settles races."""
    if grade not in GRADES:
        return RatingResult("bad_grade")
    cls = session.get(ClassSession, session_id)
    course = session.get(Course, cls.course_id) if cls else None
    if cls is None or course is None:
        return RatingResult("not_found")
    existing = rating_of(session, session_id, resident_id)
    if existing is not None:
        return RatingResult("already", existing.grade, course.id)
    if not may_rate(session, cls, resident_id):
        return RatingResult("not_enrolled", course_id=course.id)
    if cls.ends_at > now:
        return RatingResult("not_ended", course_id=course.id)
    if now > closes_at:
        return RatingResult("closed", course_id=course.id)
    stmt = dialect_insert(session)(Rating).values(
        session_id=session_id, course_id=course.id, teacher=course.teacher or "",
        resident_id=resident_id, grade=grade, comment="", created_at=now,
    ).on_conflict_do_nothing(index_elements=["session_id", "resident_id"]).returning(Rating.id)
    if session.execute(stmt).first() is not None:
        return RatingResult("recorded", grade, course.id)
    # Another tap won the race a moment ago.
    existing = rating_of(session, session_id, resident_id)
    return RatingResult("already", existing.grade if existing else "", course.id)


def add_comment(session: Session, session_id: int, resident_id: int, comment: str) -> str:
    """Attach a comment to the resident's rating once: saved, already, empty or not_found."""
    comment = comment.strip()[:COMMENT_LIMIT]
    if not comment:
        return "empty"
    result = session.execute(
        update(Rating).where(Rating.session_id == session_id, Rating.resident_id == resident_id,
                             Rating.comment == "").values(comment=comment))
    if result.rowcount == 1:
        return "saved"
    return "already" if rating_of(session, session_id, resident_id) else "not_found"


def ratings_summary(db: Database, course_code: str | None = None,
                    teacher: str | None = None) -> dict:
    """Counts per grade, the share of 优+良 and the comments, for one course, teacher or all."""
    with db.session() as session:
        query = (select(Rating, Course, ClassSession)
                 .join(Course, Course.id == Rating.course_id)
                 .join(ClassSession, ClassSession.id == Rating.session_id))
        if course_code:
            query = query.where(Course.code == course_code)
        if teacher:
            query = query.where(Rating.teacher == teacher)
        rows = session.exec(query.order_by(ClassSession.starts_at, Rating.id)).all()
    counts = {grade: 0 for grade in GRADES}
    comments = []
    for rating, course, cls in rows:
        counts[rating.grade] += 1
        if rating.comment:
            comments.append({"grade": rating.grade, "comment": rating.comment,
                             "course_code": course.code, "course": course.title,
                             "teacher": rating.teacher, "session_starts_at": cls.starts_at})
    total = sum(counts.values())
    return {
        "course_code": course_code, "teacher": teacher, "total": total, "counts": counts,
        "good_share": (counts["优"] + counts["良"]) / total if total else None,
        "comments": comments,
    }
