"""Importing the service menu from a CSV or XLSX file: all of it, or nothing with every problem listed."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from store.catalog_file import COURSE_FIELDS, CatalogImportError, CourseRows, read_catalog, teacher_account
from store.catalog_sessions import CANCELLED, MOVED, SessionChange, SyncCounts, sync_sessions
from store.clock import utcnow
from store.db import Database
from store.enrolments import count_confirmed, first_waiting
from store.models import Category, Course, Venue
from store.people import get_or_create_account
from store.tabular import Problem
from store.units import point_id, unit_by_code

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
    # Courses new to the catalogue: the caller tells those waiting for news of their category.
    created_course_ids: list[int] = field(default_factory=list)
    promoted: int = 0  # filled in by the caller

    def summary(self) -> dict[str, int]:
        """The counts, for printing."""
        counts = {name: value for name, value in vars(self).items() if isinstance(value, int)}
        kinds = [change.kind for change in self.session_changes]
        return counts | {"sessions_moved": kinds.count(MOVED), "sessions_cancelled": kinds.count(CANCELLED)}


def _category_ids(session: Session, courses: dict[str, CourseRows], report: ImportReport) -> dict[str, int]:
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


def _course_values(session: Session, plan: CourseRows, category_ids: dict[str, int],
                   report: ImportReport) -> dict[str, Any]:
    """The Course columns a file's course sets; columns the file leaves out keep their value."""
    values = {name: plan.fields[name] for name in COURSE_FIELDS
              if name in plan.fields and name not in ("category", "venue", "teacher_account", "reminders",
                                                        "companions_max", "seat_offer",
                                                        "signup_mode", "apply_until", "unit")}
    values["category_id"] = category_ids[plan.fields["category"]]
    values["venue_id"] = _venue_id(session, plan.fields["venue"], report)
    if "reminders" in plan.fields:
        values["reminders_on"] = plan.fields["reminders"] is not False  # blank: on
    if "companions_max" in plan.fields:
        values["companions_max"] = plan.fields["companions_max"] or 0  # blank: none
    if "seat_offer" in plan.fields:
        values["seat_offer"] = plan.fields["seat_offer"] or "auto"  # blank: today's behaviour
    if "signup_mode" in plan.fields:
        values["signup_mode"] = plan.fields["signup_mode"] or "first_come"
    if "apply_until" in plan.fields:
        values["apply_until"] = plan.fields["apply_until"] or None
    if "teacher_account" in plan.fields:
        account = teacher_account(plan.fields["teacher_account"] or "")
        values["teacher_resident_id"] = (get_or_create_account(session, *account)[0].resident_id
                                         if account else None)
    return values


def _unit_ids(session: Session, courses: dict[str, CourseRows]) -> dict[str, int]:
    """Unit ids by the codes the file names; an unknown code rejects the file, its rows named."""
    ids, problems = {}, []
    for plan in courses.values():
        code = plan.fields.get("unit") or ""
        if not code or code in ids:
            continue
        unit = unit_by_code(session, code)
        if unit is None:
            problems.append(Problem(plan.field_rows["unit"], "unit", f"没有编号为 {code} 的单位（见 linli units）"))
        else:
            ids[code] = unit.id
    if problems:
        raise CatalogImportError(problems)
    return ids


def _unit_of(session: Session, course: Course, plan: CourseRows, unit_ids: dict[str, int]) -> int | None:
    """The unit named in the file; else the course keeps its own; else its venue's (the 服务点 of
    the venue's community when the venue names no unit)."""
    if plan.fields.get("unit"):
        return unit_ids[plan.fields["unit"]]
    venue = session.get(Venue, course.venue_id) if course.venue_id else None
    if course.unit_id or venue is None:
        return course.unit_id
    return venue.unit_id if venue.unit_id is not None else point_id(session, venue.community)


def import_catalog(db: Database, path: Path, tz: str = "Asia/Shanghai", now: datetime | None = None,
                   after: Callable[[Session, ImportReport], None] | None = None) -> ImportReport:
    """Create or update the courses of a CSV/XLSX file in one transaction; a bad file changes nothing.

    `after` runs inside that transaction with the report, so what the changes owe residents
    (re-planned reminders, notices of moved or cancelled sessions) is written with them or not at all."""
    courses = read_catalog(Path(path), tz)
    now = now or utcnow()
    report = ImportReport()
    with db.session() as session:
        apply_courses(session, courses, now, report)
        if after is not None:
            after(session, report)
    return report


def apply_courses(session: Session, courses: dict[str, CourseRows], now: datetime, report: ImportReport) -> None:
    """Create or update checked courses by code inside the caller's transaction, counting into report:
    the one way a course enters the catalogue, from a file or from the chat."""
    category_ids = _category_ids(session, courses, report)
    unit_ids = _unit_ids(session, courses)
    for code, plan in courses.items():
        values = _course_values(session, plan, category_ids, report)
        course = session.exec(select(Course).where(Course.code == code)).first()
        created = course is None
        if created:
            course = Course(code=code, **values)
            report.courses_created += 1
        values["unit_id"] = _unit_of(session, course, plan, unit_ids)
        changed = any(getattr(course, name) != value for name, value in values.items())
        switched = not created and course.reminders_on != values.get("reminders_on", course.reminders_on)
        for name, value in values.items():
            setattr(course, name, value)
        session.add(course)
        session.flush()
        if created:
            report.created_course_ids.append(course.id)
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
