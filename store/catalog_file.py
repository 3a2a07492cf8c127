"""Reading a catalogue file (CSV or XLSX): every row checked, the courses by code, or
CatalogImportError listing every problem."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from store.models.catalog import SECTIONS
from store.tabular import (
    FileRejected,
    Problem,
    cell_datetime,
    cell_text,
    cell_whole_number,
    read_table,
)

LABELS = {
    "course_code": "课程编号", "section": "板块", "category": "项目", "title": "课程名称",
    "teacher": "讲师", "venue": "教学点", "starts_at": "开始时间", "ends_at": "结束时间",
    "capacity": "名额", "description": "简介", "tags": "标签", "teacher_account": "讲师账号",
    "reminders": "提醒", "companions_max": "可带同伴", "seat_offer": "空位处理",
    "signup_mode": "报名方式", "apply_until": "报名截止", "unit": "单位",
}
COLUMNS = tuple(LABELS)
OPTIONAL = ("description", "tags", "teacher_account", "reminders", "companions_max", "seat_offer",
            "signup_mode", "apply_until", "unit")
COURSE_FIELDS = ("section", "category", "title", "teacher", "venue", "capacity") + OPTIONAL
MAX_LENGTH = {"category": 40, "title": 100, "teacher": 60, "venue": 100, "description": 1000,
              "tags": 200, "teacher_account": 140, "unit": 40}
# The channels a teacher's account can be named on: "wecom:linxiulan", "telegram:123456789".
TEACHER_CHANNELS = ("wecom", "telegram", "console")
SWITCH_WORDS = {"是": True, "否": False, "开": True, "关": False, "开启": True, "关闭": False,
                "on": True, "off": False, "yes": True, "no": False, "1": True, "0": False}
# 0..N companions plus 返回 must fit one screen of at most 8 numbered choices.
MAX_COMPANIONS = 6
SIGNUP_MODE_WORDS = {"first_come": "first_come", "先到先得": "first_come", "lottery": "lottery", "摇号": "lottery"}
SEAT_OFFER_WORDS = {"auto": "auto", "自动": "auto", "offer": "offer", "询问": "offer"}
# Codes travel inside 64-byte button payloads, so they stay short and ASCII.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}")
TIME_EXAMPLE = {"starts_at": "2026-12-01 09:00", "ends_at": "2026-12-01 10:30",
                "apply_until": "2026-11-25 20:00"}


class CatalogImportError(FileRejected):
    """The catalogue file was rejected; nothing was imported."""

    COLUMNS = tuple(COLUMNS)


@dataclass
class CourseRows:
    """One course of the file: its fields, the row each came from, and its sessions."""

    first_row: int
    fields: dict[str, Any]
    field_rows: dict[str, int]
    sessions: dict[datetime, tuple[datetime, int]] = field(default_factory=dict)


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
    if values.get("companions_max"):
        values["companions_max"] = cell_whole_number(cells["companions_max"])
        if values["companions_max"] is None or values["companions_max"] > MAX_COMPANIONS:
            problems.append(Problem(number, "companions_max", f"可带同伴应为 0 到 {MAX_COMPANIONS} 的整数"))
    if values.get("seat_offer"):
        values["seat_offer"] = SEAT_OFFER_WORDS.get(values["seat_offer"].lower())
        if values["seat_offer"] is None:
            problems.append(Problem(number, "seat_offer", "空位处理应为 auto（自动递补）或 offer（询问候补）"))
    if values.get("signup_mode"):
        values["signup_mode"] = SIGNUP_MODE_WORDS.get(values["signup_mode"].lower())
        if values["signup_mode"] is None:
            problems.append(Problem(number, "signup_mode", "报名方式应为 first_come（先到先得）或 lottery（摇号）"))
    if values.get("capacity"):
        values["capacity"] = cell_whole_number(cells["capacity"])
        if values["capacity"] is None:
            problems.append(Problem(number, "capacity", "名额应为不小于 0 的整数"))
    for name in ("starts_at", "ends_at", "apply_until"):
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


def _add_to_course(courses: dict[str, CourseRows], number: int, values: dict[str, Any], bad: set[str],
                   problems: list[Problem]) -> None:
    """Fold a row's sound cells into its course, reporting fields that disagree with earlier rows."""
    code = values.get("course_code")
    if not code or "course_code" in bad:
        return
    course = courses.setdefault(code, CourseRows(number, {}, {}))
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


def read_catalog(path: Path, tz: str = "Asia/Shanghai") -> dict[str, CourseRows]:
    """The courses of a file by code, or CatalogImportError listing every problem."""
    problems: list[Problem] = []
    table = read_table(path, LABELS, OPTIONAL, problems, CatalogImportError, "课程")
    columns = set(table[0][1]) if table else set()  # every row has a cell of each column present
    zone = ZoneInfo(tz)
    courses: dict[str, CourseRows] = {}
    for number, cells in table:
        values, bad = _parse_row(number, cells, zone, problems)
        _add_to_course(courses, number, values, bad, problems)
    _check_courses(courses, problems)
    if problems:
        raise CatalogImportError(problems)
    for course in courses.values():
        for name in OPTIONAL:
            if name in columns:
                course.fields.setdefault(name, "")  # a present but blank column clears the field
    return courses


def _check_courses(courses: dict[str, CourseRows], problems: list[Problem]) -> None:
    """The rules across rows: one section per category, a deadline for a lottery course."""
    sections: dict[str, tuple[str, int]] = {}
    for course in courses.values():
        name, section = course.fields.get("category"), course.fields.get("section")
        if not name or not section:
            continue
        seen = sections.setdefault(name, (section, course.first_row))
        if seen[0] != section:
            problems.append(Problem(course.first_row, "section",
                                    f"项目“{name}”在第 {seen[1]} 行属于{seen[0]}板块，一个项目只能属于一个板块"))
        if course.fields.get("signup_mode") == "lottery" and not course.fields.get("apply_until"):
            problems.append(Problem(course.field_rows["signup_mode"], "apply_until", "摇号报名的课程要写报名截止时间"))


def check_course(code: str, fields: dict[str, str], sessions: list[tuple[datetime, datetime]],
                 tz: str = "Asia/Shanghai") -> CourseRows:
    """One course given field by field (local session times), checked by the very rules a file's
    rows are: the course as a file would give it, or CatalogImportError listing every problem."""
    problems: list[Problem] = []
    courses: dict[str, CourseRows] = {}
    zone = ZoneInfo(tz)
    for number, (starts_at, ends_at) in enumerate(sessions or [(None, None)], start=2):
        cells = {name: fields.get(name, "") for name in COLUMNS if name not in ("course_code", "starts_at", "ends_at")}
        cells |= {"course_code": code, "starts_at": f"{starts_at:%Y-%m-%d %H:%M}" if starts_at else "",
                  "ends_at": f"{ends_at:%Y-%m-%d %H:%M}" if ends_at else ""}
        values, bad = _parse_row(number, cells, zone, problems)
        _add_to_course(courses, number, values, bad, problems)
    _check_courses(courses, problems)
    if problems:
        raise CatalogImportError(problems)
    course = courses[code]
    for name in OPTIONAL:
        course.fields.setdefault(name, "")
    return course
