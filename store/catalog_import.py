"""Importing the service menu from a CSV or XLSX file: all of it, or nothing with every problem listed."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from store.catalog_sessions import CANCELLED, MOVED, SessionChange, SyncCounts, sync_sessions
from store.clock import utcnow
from store.db import Database
from store.enrolments import count_confirmed, first_waiting
from store.models import Category, Course, Venue
from store.models.catalog import SECTIONS
from store.people import get_or_create_account
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
    "capacity": "名额", "description": "简介", "tags": "标签", "teacher_account": "讲师账号",
    "reminders": "提醒",
}
COLUMNS = tuple(LABELS)
OPTIONAL = ("description", "tags", "teacher_account", "reminders")
COURSE_FIELDS = ("section", "category", "title", "teacher", "venue", "capacity") + OPTIONAL
MAX_LENGTH = {"category": 40, "title": 100, "teacher": 60, "venue": 100, "description": 1000,
              "tags": 200, "teacher_account": 140}
# The channels a teacher's account can be named on: "wecom:linxiulan", "telegram:123456789".
TEACHER_CHANNELS = ("wecom", "telegram", "console")
SWITCH_WORDS = {"是": True, "否": False, "开": True, "关": False, "开启": True, "关闭": False,
                "on": True, "off": False, "yes": True, "no": False, "1": True, "0": False}
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
    promotable_course_ids: list[int] = field(default_factory=list)
    # Courses whose sessions ahead changed or whose reminders were switched: the caller re-plans.
    replan_course_ids: list[int] = field(default_factory=list)
    session_changes: list[SessionChange] = field(default_factory=list)
    promoted: int = 0  # filled in by the caller

    def summary(self) -> dict[str, int]:
        """The counts, for printing."""
        counts = {name: value for name, value in vars(self).items() if isinstance(value, int)}
        kinds = [change.kind for change in self.session_changes]
        return counts | {"sessions_moved": kinds.count(MOVED), "sessions_cancelled": kinds.count(CANCELLED)}


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
    if values.get("teacher_account"):
        account = teacher_account(values["teacher_account"])
        if account is None:
            problems.append(Problem(number, "teacher_account", "讲师账号应写成 渠道:编号，比如 wecom:linxiulan"
                                    "（渠道为 " + "、".join(TEACHER_CHANNELS) + "）"))
        values["teacher_account"] = account and ":".join(account)
    if values.get("reminders"):
        values["reminders"] = SWITCH_WORDS.get(values["reminders"].lower())
        if values["reminders"] is None:
            problems.append(Problem(number, "reminders", "提醒应为 是 或 否（也可写 开/关、on/off）"))
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


def teacher_account(text: str) -> tuple[str, str] | None:
    """('wecom', 'linxiulan') from 'wecom:linxiulan' (a full-width colon too), or None."""
    channel, _, external_id = text.replace("：", ":").partition(":")
    channel, external_id = channel.strip().lower(), external_id.strip()
    return (channel, external_id) if channel in TEACHER_CHANNELS and external_id else None


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


def _course_values(session: Session, plan: _Course, category_ids: dict[str, int],
                   report: ImportReport) -> dict[str, Any]:
    """The Course columns a file's course sets; columns the file leaves out keep their value."""
    values = {name: plan.fields[name] for name in COURSE_FIELDS
              if name in plan.fields and name not in ("category", "venue", "teacher_account", "reminders")}
    values["category_id"] = category_ids[plan.fields["category"]]
    values["venue_id"] = _venue_id(session, plan.fields["venue"], report)
    if "reminders" in plan.fields:
        values["reminders_on"] = plan.fields["reminders"] is not False  # blank: on
    if "teacher_account" in plan.fields:
        account = teacher_account(plan.fields["teacher_account"] or "")
        values["teacher_resident_id"] = (get_or_create_account(session, *account)[0].resident_id
                                         if account else None)
    return values


def import_catalog(db: Database, path: Path, tz: str = "Asia/Shanghai", now: datetime | None = None,
                   after: Callable[[Session, ImportReport], None] | None = None) -> ImportReport:
    """Create or update the courses of a CSV/XLSX file in one transaction; a bad file changes nothing.

    `after` runs inside that transaction with the report, so what the changes owe residents
    (re-planned reminders, notices of moved or cancelled sessions) is written with them or not at all."""
    courses = read_catalog(Path(path), tz)
    now = now or utcnow()
    report = ImportReport()
    with db.session() as session:
        category_ids = _category_ids(session, courses, report)
        for code, plan in courses.items():
            values = _course_values(session, plan, category_ids, report)
            course = session.exec(select(Course).where(Course.code == code)).first()
            created = course is None
            if created:
                course = Course(code=code, **values)
                report.courses_created += 1
            changed = any(getattr(course, name) != value for name, value in values.items())
            switched = not created and course.reminders_on != values.get("reminders_on", course.reminders_on)
            for name, value in values.items():
                setattr(course, name, value)
            session.add(course)
            session.flush()
            counts = SyncCounts()
            wanted = {starts_at: ends_at for starts_at, (ends_at, _row) in plan.sessions.items()}
            changes = sync_sessions(session, course, wanted, now, counts)
            report.sessions_added += counts.added
            report.sessions_removed += counts.removed
            report.sessions_kept += counts.kept
            report.session_changes += changes
            if changes or switched:
                report.replan_course_ids.append(course.id)
            if not created:
                if changed or counts.changed:
                    course.updated_at = utcnow()
                    session.add(course)
                    report.courses_updated += 1
                else:
                    report.courses_unchanged += 1
            if count_confirmed(session, course.id) < course.capacity and first_waiting(session, course.id):
                report.promotable_course_ids.append(course.id)
        if after is not None:
            after(session, report)
    return report
