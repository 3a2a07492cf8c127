"""A course's attendance as a workbook: who came to each session held, and each session's 人次."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.report.workbook import add_table, new_workbook, save
from store.attendance import has_roll, on_leave_from, present_at
from store.enrolments import ever_seated, held_seat_at
from store.models import ClassSession, Course, Resident
from store.proxy import proxied_in

PRESENT, ON_LEAVE, ABSENT, NOT_TAKEN, NO_SEAT = "到", "请假", "缺席", "未点名", ""


@dataclass(frozen=True)
class SessionColumn:
    """One session held: its start, whether a roll was taken, and each resident's mark."""

    starts_at: datetime
    ends_at: datetime
    rolled: bool
    seated: int  # seats held at the start
    marks: dict[int, str]

    @property
    def visits(self) -> int:
        """人次: present on the roll, else seated at the start and not on leave."""
        counted = PRESENT if self.rolled else NOT_TAKEN
        return sum(1 for mark in self.marks.values() if mark == counted)


def _column(session: Session, cls: ClassSession, seats: list) -> SessionColumn:
    seated = {e.resident_id for e in seats if held_seat_at(e, cls.starts_at)}
    present, away, rolled = set(present_at(session, cls.id)), on_leave_from(session, cls.id), has_roll(session, cls.id)
    marks = {}
    for rid in seated | present:
        if rid in present:
            marks[rid] = PRESENT
        elif rid in away:
            marks[rid] = ON_LEAVE
        else:
            marks[rid] = ABSENT if rolled else NOT_TAKEN
    return SessionColumn(cls.starts_at, cls.ends_at, rolled, len(seated), marks)


def course_attendance(session: Session, course: Course, now: datetime) -> list[SessionColumn]:
    """Every session of the course that has started by now, in time order."""
    held = session.exec(select(ClassSession).where(ClassSession.course_id == course.id,
                                                   ClassSession.starts_at <= now)
                        .order_by(ClassSession.starts_at, ClassSession.id)).all()
    seats = ever_seated(session, [course.id])
    return [_column(session, cls, seats) for cls in held]


def _local(when: datetime, tz: ZoneInfo, fmt: str) -> str:
    return when.replace(tzinfo=timezone.utc).astimezone(tz).strftime(fmt)


def write_attendance(session: Session, course: Course, now: datetime, tz: ZoneInfo, out: str | Path) -> Path:
    """Write the course's attendance: a resident × session grid, and one line per session."""
    columns = course_attendance(session, course, now)
    people = sorted({rid for col in columns for rid in col.marks})
    names = {r.id: r.display_name or f"居民{r.id}"
             for r in session.exec(select(Resident).where(Resident.id.in_(people)))} if people else {}
    proxied = proxied_in(session, course.id)
    for rid in proxied & set(names):
        names[rid] += "（代办）"  # signed up by staff or a relative on their behalf
    book = new_workbook()
    headers = ["居民"] + [_local(c.starts_at, tz, "%m-%d %H:%M") for c in columns] + ["到课", "请假", "缺席"]
    rows = []
    for rid in people:
        marks = [c.marks.get(rid, NO_SEAT) for c in columns]
        rows.append([names.get(rid, f"居民{rid}"), *marks,
                     marks.count(PRESENT), marks.count(ON_LEAVE), marks.count(ABSENT)])
    add_table(book, "出勤明细", headers, rows)
    lines = [(_local(c.starts_at, tz, "%Y-%m-%d"),
              f"{_local(c.starts_at, tz, '%H:%M')}–{_local(c.ends_at, tz, '%H:%M')}",
              "点名" if c.rolled else "报名", c.seated,
              sum(1 for m in c.marks.values() if m == ON_LEAVE), c.visits) for c in columns]
    total = ["合计", "", "", sum(r[3] for r in lines), sum(r[4] for r in lines), sum(r[5] for r in lines)] \
        if lines else None
    add_table(book, "每次课", ["日期", "时间", "人次依据", "开课时已报名", "请假", "人次"], lines, total)
    return save(book, out)
