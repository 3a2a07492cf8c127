"""Importing the tree of units from a CSV or XLSX file: all of it, or nothing with every problem listed."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import select

from store.db import Database
from store.models.units import LEVELS, POINT_LEVEL, Unit
from store.tabular import FileRejected, Problem, cell_text, read_table
from store.units import DEFAULT_LEVEL_NAMES

LABELS = {"code": "编号", "name": "名称", "level": "级别", "parent": "上级", "address": "地址",
          "contact": "联系方式"}
OPTIONAL = ("parent", "address", "contact")
MAX_LENGTH = {"name": 60, "address": 200, "contact": 100}
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


class UnitImportError(FileRejected):
    """The units file was rejected; nothing was imported."""

    COLUMNS = tuple(LABELS)


@dataclass
class UnitImportReport:
    """What an import changed."""

    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0


def _level(text: str, names: Iterable[str]) -> int | None:
    """1, 2 or 3 from a number or a level's name (this district's or the usual one)."""
    if text.isdecimal() and int(text) in LEVELS:
        return int(text)
    for known in (tuple(names), DEFAULT_LEVEL_NAMES):
        if text in known:
            return known.index(text) + 1
    return None


def _parse(number: int, cells: dict[str, Any], names: tuple[str, ...], problems: list[Problem]) -> dict | None:
    values = {name: cell_text(cell) for name, cell in cells.items()}
    bad = False
    for name in ("code", "name", "level"):
        if not values.get(name):
            problems.append(Problem(number, name, f"{LABELS[name]}不能为空"))
            bad = True
    if values.get("code") and not CODE_PATTERN.fullmatch(values["code"]):
        problems.append(Problem(number, "code", "编号只能包含英文字母、数字、- 和 _，最长 40 个字符"))
        bad = True
    for name, limit in MAX_LENGTH.items():
        if len(values.get(name, "")) > limit:
            problems.append(Problem(number, name, f"{LABELS[name]}太长了，最多 {limit} 个字"))
            bad = True
    level = _level(values.get("level", ""), names) if values.get("level") else None
    if values.get("level") and level is None:
        problems.append(Problem(number, "level", "级别应为 1、2、3 或 " + "、".join(names)))
        bad = True
    if level == 1 and values.get("parent"):
        problems.append(Problem(number, "parent", f"{names[0]}没有上级"))
        bad = True
    if level and level > 1 and not values.get("parent"):
        problems.append(Problem(number, "parent", f"{names[level - 1]}要写上级的编号"))
        bad = True
    return None if bad else values | {"level": level, "row": number}


def read_units(path: Path, existing: dict[str, Unit],
               names: tuple[str, ...] = DEFAULT_LEVEL_NAMES) -> dict[str, dict]:
    """Units by code from the file, checked against each other and the units already stored."""
    problems: list[Problem] = []
    table = read_table(path, LABELS, OPTIONAL, problems, UnitImportError, "单位")
    plans: dict[str, dict] = {}
    for number, cells in table:
        values = _parse(number, cells, names, problems)
        if values is None:
            continue
        if values["code"] in plans:
            problems.append(Problem(number, "code", f"与第 {plans[values['code']]['row']} 行编号重复"))
            continue
        plans[values["code"]] = values
    levels = {code: unit.level for code, unit in existing.items()} | {c: p["level"] for c, p in plans.items()}
    point_names: dict[str, str] = {u.name: code for code, u in existing.items()
                                   if u.level == POINT_LEVEL and code not in plans}
    for code, plan in plans.items():
        parent = plan.get("parent", "")
        if parent and parent not in levels:
            problems.append(Problem(plan["row"], "parent", f"找不到上级单位 {parent}（文件里和已有单位里都没有）"))
        elif parent and levels[parent] >= plan["level"]:
            problems.append(Problem(plan["row"], "parent",
                                    f"上级 {parent} 是{names[levels[parent] - 1]}，不能管{names[plan['level'] - 1]}"))
        if plan["level"] == POINT_LEVEL:
            other = point_names.setdefault(plan["name"], code)
            if other != code:
                problems.append(Problem(plan["row"], "name", f"与{names[2]} {other} 同名：{names[2]}名称就是社区名，不能重复"))
    if problems:
        raise UnitImportError(problems)
    return plans


def import_units(db: Database, path: Path, level_names: Iterable[str] = DEFAULT_LEVEL_NAMES) -> UnitImportReport:
    """Create or update the units of a file by code in one transaction; a bad file changes nothing."""
    report = UnitImportReport()
    with db.session() as session:
        existing = {unit.code: unit for unit in session.exec(select(Unit))}
        plans = read_units(Path(path), existing, tuple(level_names))
        order = sorted(plans.values(), key=lambda p: p["level"])  # parents before children
        for plan in order:
            unit = existing.get(plan["code"])
            parent = existing[plan["parent"]].id if plan.get("parent") else None
            values = {"name": plan["name"], "level": plan["level"], "parent_id": parent,
                      "address": plan.get("address", ""), "contact": plan.get("contact", "")}
            if unit is None:
                unit = Unit(code=plan["code"], **values)
                report.units_created += 1
            elif all(getattr(unit, k) == v for k, v in values.items()):
                report.units_unchanged += 1
            else:
                for name, value in values.items():
                    setattr(unit, name, value)
                report.units_updated += 1
            session.add(unit)
            session.flush()
            existing[unit.code] = unit
    return report
