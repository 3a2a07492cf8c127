"""Importing the service menu from a CSV or XLSX file: all of it, or nothing with every problem listed."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from store.clock import utcnow
from store.db import Database
from store.enrolments import count_confirmed, first_waiting
from store.models import Category, ClassSession, Course, SessionLeave, Venue
from store.models.catalog import SECTIONS
from store.tabular import (
    FileRejected,
    Problem,
    TableError,
    cell_datetime,
    cell_text,
    cell_whole_number,
    read_header,
    read_rows,
)

LABELS = {
    "course_code": "课程编号", "section": "板块", "category": "项目", "title": "课程名称",
    "teacher": "讲师", "venue": "教学点", "starts_at": "开始时间", "ends_at": "结束时间",
    "capacity": "名额", "description": "简介", "tags": "标签",
}
COLUMNS = tuple(LABELS)
OPTIONAL = ("description", "tags")
COURSE_FIELDS = ("section", "category", "title", "teacher", "venue", "capacity") + OPTIONAL
MAX_LENGTH = {"category": 40, "title": 100, "teacher": 60, "venue": 100, "description": 1000,
              "tags": 200}
# Codes travel inside 64-byte button payloads, so they stay short and ASCII.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}")
TIME_EXAMPLE = {"starts_at": "2026-12-01 09:00", "ends_at": "2026-12-01 10:30"}


class CatalogImportError(FileRejected):
    """The catalogue file was rejected; nothing was imported."""

    COLUMNS = tuple(COLUMNS)


@dataclass
class ImportReport:
    """What an import changed."""

    courses_created: int = 0
    courses_updated: int = 0
    courses_unchanged: int = 0
    sessions_added: int = 0
    sessions_removed: int = 0
    sessions_kept: int = 0
    categories_created: int = 0
    venues_created: int = 0
    # Courses with free seats and residents waiting: the caller promotes and tells them.
    promotable_courses: list[str] = field(default_factory=list)


@dataclass
class _Course:
    first_row: int
    fields: dict[str, Any]
    field_rows: dict[str, int]
    sessions: dict[datetime, tuple[datetime, int]] = field(default_factory=dict)


def _header(cells: list[Any], problems: list[Problem]) -> dict[str, int]:
    return read_header(cells, LABELS, OPTIONAL, problems)


def _parse_row(number: int, cells: dict[str, Any], zone: ZoneInfo,
               problems: list[Problem]) -> tuple[dict[str, Any], set[str]]:
    """The row's values (times in naive UTC) and the columns found wrong, which are reported."""
    before = len(problems)
    values: dict[str, Any] = {name: cell_text(cells[name]) for name in cells}
    for name, text in values.items():
        if not text and name not in OPTIONAL:
            problems.append(Problem(number, name, f"{LABELS[name]}不能为空"))
        elif name in MAX_LENGTH and len(text) > MAX_LENGTH[name]:
            problems.append(Problem(number, name, f"{LABELS[name]}太长了，最多 {MAX_LENGTH[name]} 个字"))
    if values.get("course_code") and not CODE_PATTERN.fullmatch(values["course_code"]):
        problems.append(Problem(number, "course_code",
                                "课程编号只能包含英文字母、数字、- 和 _，最长 16 个字符"))
    if values.get("section") and values["section"] not in SECTIONS:
        problems.append(Problem(number, "section", "板块应为 " + "、".join(SECTIONS) + " 之一"))
    if values.get("capacity"):
        values["capacity"] = cell_whole_number(cells["capacity"])
        if values["capacity"] is None:
            problems.append(Problem(number, "capacity", "名额应为不小于 0 的整数"))
    for name in ("starts_at", "ends_at"):
        if values.get(name):
            local = cell_datetime(cells[name])
            if local is None:
                problems.append(Problem(number, name, f"{LABELS[name]}格式不对，应为 {TIME_EXAMPLE[name]}"))
            values[name] = local and local.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
    if values.get("starts_at") and values.get("ends_at") and values["ends_at"] <= values["starts_at"]:
        problems.append(Problem(number, "ends_at", "结束时间应晚于开始时间"))
    return values, {p.column for p in problems[before:]}


def _add_to_course(courses: dict[str, _Course], number: int, values: dict[str, Any], bad: set[str],
                   problems: list[Problem]) -> None:
    """Fold a row's sound cells into its course, reporting fields that disagree with earlier rows."""
    code = values.get("course_code")
    if not code or "course_code" in bad:
        return
    course = courses.setdefault(code, _Course(number, {}, {}))
    for name in COURSE_FIELDS:
        value = values.get(name, "")
        if name in bad or value == "":
            continue  # blank optional cells in some rows of a course are not a disagreement
        if name not in course.fields:
            course.fields[name], course.field_rows[name] = value, number
        elif value != course.fields[name]:
            problems.append(Problem(number, name, f"同一课程的{LABELS[name]}与第 {course.field_rows[name]} 行"
                                                  f"不一致（“{value}”与“{course.fields[name]}”）"))
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if not starts_at or not ends_at or bad & {"starts_at", "ends_at"}:
        return
    if starts_at in course.sessions:
        problems.append(Problem(number, "starts_at",
                                f"与第 {course.sessions[starts_at][1]} 行是同一次课（开始时间相同）"))
    else:
        course.sessions[starts_at] = (ends_at, number)


def read_catalog(path: Path, tz: str = "Asia/Shanghai") -> dict[str, _Course]:
    """The courses of a file by code, or CatalogImportError listing every problem."""
    problems: list[Problem] = []
    try:
        rows = read_rows(path)
    except TableError as exc:
        raise CatalogImportError([Problem(0, "", str(exc))]) from exc
    if not rows:
        raise CatalogImportError([Problem(0, "", "文件是空的")])
    positions = _header(rows[0][1], problems)
    if len(rows) < 2:
        problems.append(Problem(rows[0][0], "", "表头下面没有课程数据"))
    zone = ZoneInfo(tz)
    courses: dict[str, _Course] = {}
    for number, row in rows[1:]:
        cells = {name: row[index] if index < len(row) else None for name, index in positions.items()}
        values, bad = _parse_row(number, cells, zone, problems)
        _add_to_course(courses, number, values, bad, problems)
    sections: dict[str, tuple[str, int]] = {}
    for course in courses.values():
        name, section = course.fields.get("category"), course.fields.get("section")
        if not name or not section:
            continue
        seen = sections.setdefault(name, (section, course.first_row))
        if seen[0] != section:
            problems.append(Problem(course.first_row, "section",
                                    f"项目“{name}”在第 {seen[1]} 行属于{seen[0]}板块，一个项目只能属于一个板块"))
    if problems:
        raise CatalogImportError(problems)
    for course in courses.values():
        for name in OPTIONAL:
            if name in positions:
                course.fields.setdefault(name, "")  # a present but blank column clears the field
    return courses


def _category_ids(session: Session, courses: dict[str, _Course], report: ImportReport) -> dict[str, int]:
    """Category ids by name, creating missing ones; a category in another section is a problem."""
    ids, problems = {}, []
    for course in courses.values():
        name, section = course.fields["category"], course.fields["section"]
        if name in ids:
            continue
        category = session.exec(select(Category).where(Category.name == name)).first()
        if category is None:
            last = session.exec(select(func.max(Category.sort_order))
                                .where(Category.section == section)).one() or 0
            category = Category(section=section, name=name, sort_order=last + 10)
            session.add(category)
            session.flush()
            report.categories_created += 1
        elif category.section != section:
            problems.append(Problem(course.first_row, "section",
                                    f"项目“{name}”已在{category.section}板块中，不能放到{section}板块"))
        ids[name] = category.id
    if problems:
        raise CatalogImportError(problems)
    return ids


def _venue_id(session: Session, name: str, report: ImportReport) -> int:
    """The venue of that name, created with an empty address when unknown."""
    venue = session.exec(select(Venue).where(Venue.name == name).order_by(Venue.id)).first()
    if venue is None:
        code = "V-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10].upper()
        while session.exec(select(Venue).where(Venue.code == code)).first() is not None:
            code += "X"
        venue = Venue(code=code, name=name)
        session.add(venue)
        session.flush()
        report.venues_created += 1
    return venue.id


def _sync_sessions(session: Session, course: Course, wanted: dict[datetime, tuple[datetime, int]],
                   report: ImportReport) -> bool:
    """Make the course's sessions those of the file, keeping unchanged start times; True if any changed."""
    current = {s.starts_at: s for s in session.exec(
        select(ClassSession).where(ClassSession.course_id == course.id))}
    changed = False
    for starts_at, (ends_at, _row) in wanted.items():
        found = current.get(starts_at)
        if found is None:
            session.add(ClassSession(course_id=course.id, starts_at=starts_at, ends_at=ends_at))
            report.sessions_added += 1
            changed = True
            continue
        report.sessions_kept += 1
        if found.ends_at != ends_at:
            found.ends_at, changed = ends_at, True
            session.add(found)
    gone = [s for starts_at, s in current.items() if starts_at not in wanted]
    if gone:
        for leave in session.exec(select(SessionLeave).where(
                SessionLeave.session_id.in_([s.id for s in gone]))):
            session.delete(leave)
        session.flush()  # leaves point at the sessions, so they go first
        for s in gone:
            session.delete(s)
        report.sessions_removed += len(gone)
    session.flush()
    return changed or bool(gone)


def import_catalog(db: Database, path: Path, tz: str = "Asia/Shanghai") -> ImportReport:
    """Create or update the courses of a CSV/XLSX file in one transaction; a bad file changes nothing."""
    courses = read_catalog(Path(path), tz)
    report = ImportReport()
    with db.session() as session:
        category_ids = _category_ids(session, courses, report)
        for code, plan in courses.items():
            values = {name: plan.fields[name] for name in COURSE_FIELDS
                      if name in plan.fields and name not in ("category", "venue")}
            values["category_id"] = category_ids[plan.fields["category"]]
            values["venue_id"] = _venue_id(session, plan.fields["venue"], report)
            course = session.exec(select(Course).where(Course.code == code)).first()
            created = course is None
            if created:
                course = Course(code=code, **values)
                report.courses_created += 1
            changed = any(getattr(course, name) != value for name, value in values.items())
            for name, value in values.items():
                setattr(course, name, value)
            session.add(course)
            session.flush()
            changed = _sync_sessions(session, course, plan.sessions, report) or changed
            if not created:
                if changed:
                    course.updated_at = utcnow()
                    session.add(course)
                    report.courses_updated += 1
                else:
                    report.courses_unchanged += 1
            if count_confirmed(session, course.id) < course.capacity and first_waiting(session, course.id):
                report.promotable_courses.append(code)
    return report
