"""The services residents can order: imported from CSV/XLSX (all rows or none) or the demo file."""
from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from store.db import Database
from store.models.orders import TEAM_KINDS, ServiceItem, ServiceTeam
from store.teams import save_team
from store.tabular import (
    FileRejected,
    Problem,
    cell_text,
    cell_whole_number,
    read_table,
)

DEMO_FILE = "data/demo_services.toml"
LABELS = {"code": "编号", "name": "名称", "kind": "类别", "description": "简介",
          "min_audience": "最少人数", "lead_days": "提前天数"}
REQUIRED = ("code", "name", "kind")
OPTIONAL_NUMBERS = ("min_audience", "lead_days")  # columns a file may leave out; description must be there
MAX_LENGTH = {"name": 60, "kind": 20, "description": 1000}
# Codes travel inside 64-byte button payloads, so they stay short and ASCII.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}")
DEFAULT_LEAD_DAYS = 7


class ServicesImportError(FileRejected):
    """The services file was rejected; nothing was imported."""

    COLUMNS = tuple(LABELS)


def _parse(number: int, cells: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    values: dict[str, Any] = {name: cell_text(value) for name, value in cells.items()}
    for name in REQUIRED:
        if not values.get(name):
            problems.append(Problem(number, name, f"{LABELS[name]}不能为空"))
    for name, limit in MAX_LENGTH.items():
        if len(values.get(name, "")) > limit:
            problems.append(Problem(number, name, f"{LABELS[name]}太长了，最多 {limit} 个字"))
    if values.get("code") and not CODE_PATTERN.fullmatch(values["code"]):
        problems.append(Problem(number, "code", "编号只能包含英文字母、数字、- 和 _，最长 16 个字符"))
    for name in OPTIONAL_NUMBERS:
        if values.get(name):
            values[name] = cell_whole_number(cells[name])
            if values[name] is None:
                problems.append(Problem(number, name, f"{LABELS[name]}应为不小于 0 的整数"))
        else:
            values[name] = None
    return values


def read_services(path: Path) -> list[dict[str, Any]]:
    """The services of a file, or ServicesImportError listing every problem by row and column."""
    problems: list[Problem] = []
    services, seen = [], {}
    for number, cells in read_table(path, LABELS, OPTIONAL_NUMBERS, problems, ServicesImportError, "服务"):
        values = _parse(number, cells, problems)
        code = values.get("code")
        if code in seen:
            problems.append(Problem(number, "code", f"编号 {code} 与第 {seen[code]} 行重复"))
        elif code:
            seen[code] = number
        services.append(values)
    if problems:
        raise ServicesImportError(problems)
    return services


def save_service(session: Session, values: dict[str, Any]) -> str:
    """Add a service or update the one with its code: created, updated or unchanged."""
    item = session.exec(select(ServiceItem).where(ServiceItem.code == values["code"])).first()
    fields = {"name": values["name"], "kind": values["kind"],
              "description": values.get("description") or "",
              "min_audience": values.get("min_audience"),
              "lead_days": DEFAULT_LEAD_DAYS if values.get("lead_days") is None else values["lead_days"],
              "active": True}
    if item is None:
        last = session.exec(select(func.max(ServiceItem.sort_order))).one() or 0
        session.add(ServiceItem(code=values["code"], sort_order=last + 10, **fields))
        session.flush()
        return "created"
    if all(getattr(item, name) == value for name, value in fields.items()):
        return "unchanged"
    for name, value in fields.items():
        setattr(item, name, value)
    session.add(item)
    return "updated"


def import_services(db: Database, path: Path) -> dict[str, int]:
    """Import a services file in one transaction; returns how many were created, updated, unchanged."""
    services = read_services(path)
    report = {"created": 0, "updated": 0, "unchanged": 0}
    with db.session() as session:
        for values in services:
            report[save_service(session, values)] += 1
    return report


def read_demo_services() -> dict:
    """The demo services and teams as written in the packaged data file."""
    return tomllib.loads(resources.files("bot").joinpath(DEMO_FILE).read_text("utf-8"))


def load_demo_services(db: Database) -> dict[str, int]:
    """Add the demo services and teams that are missing; what is there is left alone."""
    data = read_demo_services()
    counts = {"services": 0, "teams": 0}
    with db.session() as session:
        for values in data.get("service", []):
            if session.exec(select(ServiceItem.id).where(ServiceItem.code == values["code"])).first() is None:
                save_service(session, values)
                counts["services"] += 1
        for team in data.get("team", []):
            if team["kind"] not in TEAM_KINDS:
                raise ValueError(f"unknown team kind: {team['kind']}")
            if session.exec(select(ServiceTeam.id).where(ServiceTeam.name == team["name"])).first() is None:
                save_team(session, team["name"], team["kind"], None, team.get("community", ""))
                counts["teams"] += 1
    return counts
