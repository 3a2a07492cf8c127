"""Monthly figures of classes: sessions held (场次), visits (人次), sign-ups and satisfaction.

A session counts as held in the month when it started inside the month (local time) and has
ended by the time the report is made. Its visits (人次) are the residents present on its roll
when presence was taken (marked or checked in); where it was not, the residents who held a seat
at the session's start, less those who took leave from it. Today's enrolments never count.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from bot.report.months import Month
from store.enrolments import ever_seated, held_seat_at
from store.models import (Attendance, Category, ClassSession, Course, Enrolment, Rating, SessionLeave,
                          SessionRoll, Venue)
from store.models.catalog import SECTIONS
from store.models.enrolment import CANCELLED, CONFIRMED, WAITING
from store.models.rating import GRADES

UNKNOWN = "（未指定）"


@dataclass(frozen=True)
class HeldSession:
    """One class session held in the month, with where it was and who came."""

    session_id: int
    starts_at: datetime
    ends_at: datetime
    course_code: str
    course_title: str
    section: str
    category: str
    category_order: tuple
    teacher: str
    venue: str
    community: str
    enrolled: int
    on_leave: int
    present: int | None = None  # on the roll; None when presence was never taken

    @property
    def visits(self) -> int:
        """人次: those present on the roll, else the seats held at the start less leaves."""
        return self.present if self.present is not None else self.enrolled - self.on_leave


@dataclass(frozen=True)
class SignupRow:
    """Sign-up figures of one course."""

    code: str
    title: str
    category: str
    teacher: str
    new: int
    cancelled: int
    confirmed: int
    waiting: int
    proxy: int = 0  # of the month's new sign-ups, those made by staff or a relative (代办)


@dataclass(frozen=True)
class GradeRow:
    """优/良/中/差 counts of a course or a teacher."""

    key: str
    name: str
    teacher: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """All ratings."""
        return sum(self.counts.values())

    @property
    def good_share(self) -> float:
        """Share of 优+良 (0 when unrated)."""
        return (self.counts["优"] + self.counts["良"]) / self.total if self.total else 0.0


def _section_rank(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)


def _only(query, column, ids: Collection[int] | None):
    """The query limited to those ids (all when ids is None)."""
    return query if ids is None else query.where(column.in_(list(ids)))


def held_sessions(session: Session, month: Month, now: datetime,
                  courses: Collection[int] | None = None) -> list[HeldSession]:
    """Sessions (of those courses, or all) that started in the month and have ended by now, in time order."""
    rows = session.exec(_only(
        select(ClassSession, Course, Category, Venue)
        .join(Course, Course.id == ClassSession.course_id)
        .join(Category, Category.id == Course.category_id)
        .join(Venue, Venue.id == Course.venue_id, isouter=True)
        .where(ClassSession.starts_at >= month.start, ClassSession.starts_at < month.end,
               ClassSession.ends_at <= now), Course.id, courses)
        .order_by(ClassSession.starts_at, ClassSession.id)).all()
    course_ids = {course.id for _, course, _, _ in rows}
    session_ids = [cls.id for cls, _, _, _ in rows]
    seats: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in ever_seated(session, course_ids):
        seats[enrolment.course_id].append(enrolment)
    leaves: dict[int, set[int]] = defaultdict(set)
    present: dict[int, int] = {}
    if session_ids:
        for session_id, resident_id in session.exec(
                select(SessionLeave.session_id, SessionLeave.resident_id).where(
                    SessionLeave.session_id.in_(session_ids))):
            leaves[session_id].add(resident_id)
        taken = set(session.exec(select(SessionRoll.session_id).where(
            SessionRoll.session_id.in_(session_ids), SessionRoll.taken_at.is_not(None))))
        present = {sid: 0 for sid in taken}
        if taken:
            for session_id in session.exec(select(Attendance.session_id).where(
                    Attendance.session_id.in_(list(taken)))):
                present[session_id] += 1
    out = []
    for cls, course, category, venue in rows:
        enrolled = {e.resident_id for e in seats[course.id] if held_seat_at(e, cls.starts_at)}
        out.append(HeldSession(
            session_id=cls.id, starts_at=cls.starts_at, ends_at=cls.ends_at, course_code=course.code,
            course_title=course.title, section=category.section, category=category.name,
            category_order=(_section_rank(category.section), category.sort_order, category.name),
            teacher=course.teacher or UNKNOWN, venue=venue.name if venue else UNKNOWN,
            community=(venue.community if venue else "") or UNKNOWN,
            enrolled=len(enrolled), on_leave=len(enrolled & leaves[cls.id]), present=present.get(cls.id)))
    return out


def totals_by(sessions: list[HeldSession], key) -> list[tuple[tuple, int, int]]:
    """(key, sessions, visits) per key, sorted by key."""
    counts: dict[tuple, list[int]] = {}
    for held in sessions:
        row = counts.setdefault(key(held), [0, 0])
        row[0] += 1
        row[1] += held.visits
    return [(k, v[0], v[1]) for k, v in sorted(counts.items())]


def by_category(sessions: list[HeldSession]) -> list[tuple[str, str, int, int]]:
    """(section, category, sessions, visits) in menu order."""
    rows = totals_by(sessions, lambda h: (h.category_order, h.section, h.category))
    return [(k[1], k[2], n, v) for k, n, v in rows]


def by_section(sessions: list[HeldSession]) -> list[tuple[str, int, int]]:
    """(section, sessions, visits) in menu order."""
    rows = totals_by(sessions, lambda h: (_section_rank(h.section), h.section))
    return [(k[1], n, v) for k, n, v in rows]


def by_venue(sessions: list[HeldSession]) -> list[tuple[str, str, int, int]]:
    """(teaching point, community, sessions, visits) by community, then name."""
    rows = totals_by(sessions, lambda h: (h.community, h.venue))
    return [(k[1], k[0], n, v) for k, n, v in rows]


def by_community(sessions: list[HeldSession]) -> list[tuple[str, int, int]]:
    """(community, sessions, visits) by name."""
    return [(k[0], n, v) for k, n, v in totals_by(sessions, lambda h: (h.community,))]


def signups(session: Session, month: Month, courses: Collection[int] | None = None) -> list[SignupRow]:
    """Per course (of those, or all): sign-ups made and cancelled in the month, places and waiting list now."""
    rows = session.exec(_only(select(Enrolment, Course, Category)
                              .join(Course, Course.id == Enrolment.course_id)
                              .join(Category, Category.id == Course.category_id), Course.id, courses)).all()
    figures: dict[int, dict] = {}
    for enrolment, course, category in rows:
        row = figures.setdefault(course.id, {"course": course, "category": category.name, "new": 0,
                                             "cancelled": 0, "confirmed": 0, "waiting": 0, "proxy": 0})
        if month.start <= enrolment.created_at < month.end:
            row["new"] += 1
            row["proxy"] += enrolment.proxy_by is not None
        cancelled_at = enrolment.cancelled_at or enrolment.updated_at
        if enrolment.status == CANCELLED and month.start <= cancelled_at < month.end:
            row["cancelled"] += 1
        if enrolment.status == CONFIRMED:
            row["confirmed"] += 1
        elif enrolment.status == WAITING:
            row["waiting"] += 1
    out = [SignupRow(r["course"].code, r["course"].title, r["category"], r["course"].teacher or UNKNOWN,
                     r["new"], r["cancelled"], r["confirmed"], r["waiting"], r["proxy"])
           for r in figures.values() if r["new"] or r["cancelled"] or r["confirmed"] or r["waiting"]]
    return sorted(out, key=lambda r: r.code)


def ratings(session: Session, month: Month,
            courses: Collection[int] | None = None) -> tuple[list[GradeRow], list[GradeRow]]:
    """优/良/中/差 of sessions (of those courses, or all) that started in the month: by course (by code)
    and by teacher (by name)."""
    rows = session.exec(_only(select(Rating, Course).join(Course, Course.id == Rating.course_id)
                              .join(ClassSession, ClassSession.id == Rating.session_id)
                              .where(ClassSession.starts_at >= month.start,
                                     ClassSession.starts_at < month.end), Course.id, courses)).all()
    courses: dict[str, GradeRow] = {}
    teachers: dict[str, GradeRow] = {}
    for rating, course in rows:
        row = courses.setdefault(course.code, GradeRow(course.code, course.title, course.teacher or UNKNOWN,
                                                       {g: 0 for g in GRADES}))
        row.counts[rating.grade] += 1
        name = rating.teacher or UNKNOWN
        row = teachers.setdefault(name, GradeRow(name, name, name, {g: 0 for g in GRADES}))
        row.counts[rating.grade] += 1
    return [courses[k] for k in sorted(courses)], [teachers[k] for k in sorted(teachers)]
