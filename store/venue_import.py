"""Importing venues and their bookable rooms from a CSV or XLSX file (all of it, or nothing with every
problem listed), and the rooms of the demo venues."""
from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import select

from store.db import Database
from store.models import Room, Venue
from store.opening_hours import DAYS, MIN_WEEKLY_HOURS, day_span, parse_weekly, too_few_hours
from store.units import unit_by_code, unit_for_community
from store.tabular import (
    FileRejected,
    Problem,
    cell_text,
    cell_whole_number,
    read_table,
)

LABELS = {
    "venue_code": "场馆编号", "venue_name": "场馆名称", "address": "地址", "community": "社区",
    "kind": "类型", "opening_hours": "开放时间", "room_code": "房间编号", "room_name": "房间名称",
    "capacity": "容纳人数", "slot_minutes": "时段分钟", "unit": "单位",
}
COLUMNS = tuple(LABELS)
OPTIONAL = ("address", "community", "kind", "slot_minutes", "unit")
VENUE_FIELDS = ("venue_name", "address", "community", "kind", "opening_hours", "unit")
MAX_LENGTH = {"venue_name": 100, "address": 200, "community": 60, "room_name": 60}
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
KINDS = {
    "library": ("图书馆",), "culture_centre": ("文化馆",), "station": ("文化站", "街道文化站", "乡镇文化站"),
    "community_centre": ("社区中心", "党群服务中心", "邻里中心"), "teaching_point": ("教学点",),
    "reading_room": ("元书馆", "阅读空间"), "stage": ("小舞台", "舞台"), "gym": ("健身房", "智能健身房"),
}
KIND_NAMES = {alias: kind for kind, aliases in KINDS.items() for alias in (kind, *aliases)}
DEFAULT_SLOT_MINUTES = 60
SLOT_RANGE = (15, 480)
CAPACITY_MAX = 1000
DEMO_ROOMS_FILE = "data/demo_rooms.toml"


class VenueImportError(FileRejected):
    """The venue file was rejected; nothing was imported."""

    COLUMNS = tuple(COLUMNS)


@dataclass
class VenueImportReport:
    """What an import changed."""

    venues_created: int = 0
    venues_updated: int = 0
    venues_unchanged: int = 0
    rooms_created: int = 0
    rooms_updated: int = 0
    rooms_unchanged: int = 0


def _parse_row(number: int, cells: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """The row's values; wrong cells are reported and left out."""
    values: dict[str, Any] = {}
    for name, cell in cells.items():
        text = cell_text(cell)
        if not text and name not in OPTIONAL:
            problems.append(Problem(number, name, f"{LABELS[name]}不能为空"))
        elif name in MAX_LENGTH and len(text) > MAX_LENGTH[name]:
            problems.append(Problem(number, name, f"{LABELS[name]}太长了，最多 {MAX_LENGTH[name]} 个字"))
        elif name in ("venue_code", "room_code") and not CODE_PATTERN.fullmatch(text):
            problems.append(Problem(number, name, f"{LABELS[name]}只能包含英文字母、数字、- 和 _，最长 40 个字符"))
        elif name == "kind" and text and text.lower() not in KIND_NAMES:
            problems.append(Problem(number, name, "类型应为 " + "、".join(KINDS) + " 之一（也可写图书馆、文化站等）"))
        elif name == "opening_hours":
            try:
                values[name] = parse_weekly(text)
            except ValueError as exc:
                problems.append(Problem(number, name, f"{exc}（例：mon-fri 08:30-21:00; sat-sun 09:00-17:00）"))
        elif name == "capacity":
            count = cell_whole_number(cell)
            if count is None or not 1 <= count <= CAPACITY_MAX:
                problems.append(Problem(number, name, f"容纳人数应为 1 到 {CAPACITY_MAX} 的整数"))
            values[name] = count
        elif name == "slot_minutes" and text:
            minutes = cell_whole_number(cell)
            if minutes is None or not SLOT_RANGE[0] <= minutes <= SLOT_RANGE[1]:
                problems.append(Problem(number, name, f"时段分钟应为 {SLOT_RANGE[0]} 到 {SLOT_RANGE[1]} 的整数"))
            values[name] = minutes
        else:
            values[name] = KIND_NAMES.get(text.lower(), text) if name == "kind" else text
    return values


def read_venues(path: Path, minimums: Mapping[str, float] = MIN_WEEKLY_HOURS
                ) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
    """Venues by code and rooms by (venue code, room code), or VenueImportError listing every problem."""
    problems: list[Problem] = []
    table = read_table(path, LABELS, OPTIONAL, problems, VenueImportError, "场馆")
    venues: dict[str, dict[str, Any]] = {}
    first_rows: dict[str, dict[str, int]] = {}
    rooms: dict[tuple[str, str], dict[str, Any]] = {}
    for number, cells in table:
        values = _parse_row(number, cells, problems)
        code = values.get("venue_code")
        if not code or "venue_code" not in values:
            continue
        venue, seen = venues.setdefault(code, {"row": number}), first_rows.setdefault(code, {})
        for name in VENUE_FIELDS:
            if name not in values or (name in OPTIONAL and values[name] == ""):
                continue
            if name not in venue:
                venue[name], seen[name] = values[name], number
            elif venue[name] != values[name]:
                problems.append(Problem(number, name, f"同一场馆的{LABELS[name]}与第 {seen[name]} 行不一致"))
        room_code = values.get("room_code")
        if room_code and "capacity" in values and "room_name" in values:
            if (code, room_code) in rooms:
                problems.append(Problem(number, "room_code",
                                        f"与第 {rooms[code, room_code]['row']} 行是同一个房间"))
                continue
            rooms[code, room_code] = {"row": number, "name": values["room_name"],
                                      "capacity": values["capacity"],
                                      "slot_minutes": values.get("slot_minutes") or DEFAULT_SLOT_MINUTES}
    for code, venue in venues.items():
        hours = venue.get("opening_hours")
        short = too_few_hours(venue.get("kind", ""), hours, minimums) if hours else None
        if short:
            problems.append(Problem(venue["row"], "opening_hours",
                                    f"每周只开放 {short[0]:g} 小时，这类场馆每周至少 {short[1]:g} 小时"))
    for (code, room_code), room in rooms.items():
        hours = venues.get(code, {}).get("opening_hours")
        spans = [day_span(hours, d) for d in range(len(DAYS))] if hours else []
        if hours and not any(s and s[1] - s[0] >= room["slot_minutes"] for s in spans):
            problems.append(Problem(room["row"], "slot_minutes", "时段比每天的开放时间还长，一个时段也排不下"))
    if problems:
        raise VenueImportError(problems)
    return venues, rooms


def import_venues(db: Database, path: Path, minimums: Mapping[str, float] = MIN_WEEKLY_HOURS) -> VenueImportReport:
    """Create or update the venues and rooms of a file in one transaction; a bad file changes nothing.
    Rooms missing from the file are left as they are."""
    venues, rooms = read_venues(Path(path), minimums)
    report = VenueImportReport()
    with db.session() as session:
        unit_ids = _unit_ids(session, venues)
        ids = {}
        for code, plan in venues.items():
            values = {"name": plan["venue_name"], "opening_hours": json.dumps(plan["opening_hours"])}
            values.update({name: plan[name] for name in ("address", "community", "kind") if name in plan})
            if plan.get("unit") or plan.get("community"):
                point = unit_for_community(session, plan.get("community", ""))
                values["unit_id"] = unit_ids[plan["unit"]] if plan.get("unit") else point.id if point else None
            venue = session.exec(select(Venue).where(Venue.code == code)).first()
            if venue is None:
                venue = Venue(code=code, **values)
                report.venues_created += 1
            elif any(getattr(venue, k) != v for k, v in values.items()
                     if k != "opening_hours") or json.loads(venue.opening_hours or "{}") != plan["opening_hours"]:
                for name, value in values.items():
                    setattr(venue, name, value)
                report.venues_updated += 1
            else:
                report.venues_unchanged += 1
            session.add(venue)
            session.flush()
            ids[code] = venue.id
        for (code, room_code), plan in rooms.items():
            values = {"name": plan["name"], "capacity": plan["capacity"],
                      "slot_minutes": plan["slot_minutes"], "bookable": True}
            report_key = _upsert_room(session, ids[code], room_code, values)
            setattr(report, report_key, getattr(report, report_key) + 1)
    return report


def _unit_ids(session, venues: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Unit ids by the codes the file names; an unknown code rejects the file, its rows named."""
    ids, problems = {}, []
    for plan in venues.values():
        code = plan.get("unit") or ""
        if code and code not in ids:
            unit = unit_by_code(session, code)
            if unit is None:
                problems.append(Problem(plan["row"], "unit", f"没有编号为 {code} 的单位（见 linli units）"))
            else:
                ids[code] = unit.id
    if problems:
        raise VenueImportError(problems)
    return ids


def _upsert_room(session, venue_id: int, code: str, values: dict[str, Any]) -> str:
    """Create or update one room; the report field it counts toward."""
    room = session.exec(select(Room).where(Room.venue_id == venue_id, Room.code == code)).first()
    if room is None:
        session.add(Room(venue_id=venue_id, code=code, **values))
        return "rooms_created"
    if all(getattr(room, name) == value for name, value in values.items()):
        return "rooms_unchanged"
    for name, value in values.items():
        setattr(room, name, value)
    session.add(room)
    return "rooms_updated"


def load_demo_rooms(db: Database) -> int:
    """Add the demo venues' rooms that are missing (venues not in the store are skipped); how many were added."""
    data = tomllib.loads(resources.files("bot").joinpath(DEMO_ROOMS_FILE).read_text("utf-8"))
    added = 0
    with db.session() as session:
        for item in data["room"]:
            venue = session.exec(select(Venue).where(Venue.code == item["venue"])).first()
            if venue is None:
                continue
            exists = session.exec(select(Room.id).where(Room.venue_id == venue.id,
                                                        Room.code == item["code"])).first()
            if exists is None:
                session.add(Room(venue_id=venue.id, code=item["code"], name=item["name"],
                                 capacity=item["capacity"], slot_minutes=item["slot_minutes"]))
                added += 1
    return added
