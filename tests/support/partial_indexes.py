"""Statements that bind a value where a partial index's condition compares a constant.

SQLite compiles such a statement again on every run (store.written says why), so the store
writes those constants out. The conditions are read from the models' own indexes, so a new
partial index is watched without changing this file.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from sqlalchemy import event
from sqlmodel import SQLModel

import store.models  # noqa: F401  every table and index is declared

_CONDITION = re.compile(r"(\w+)\s*(=|!=|<>)\s*'")


def conditions() -> list[tuple[str, str, str]]:
    """(index, table.column, operator) of each partial index's `column op 'constant'`."""
    found = []
    for table in SQLModel.metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"].get("where")
            for column, op in _CONDITION.findall(str(where) if where is not None else ""):
                found.append((index.name, f"{table.name}.{column}", op))
    return found


def bound_comparisons() -> dict[str, re.Pattern]:
    """For each partial index's `column op 'constant'`, a pattern finding that comparison bound."""
    found: dict[str, re.Pattern] = {}
    for index, column, op in conditions():
        ops = r"(?:!=|<>)" if op != "=" else "="
        found[f"{index}: {column.split('.')[1]} {op}"] = re.compile(rf"\b{re.escape(column)}\s*{ops}\s*\?")
    return found


_PATTERNS = bound_comparisons()
_COLUMNS = tuple({column for _, column, _ in conditions()})  # a substring test lets most statements by
_ROOT = Path(__file__).resolve().parents[2]
_HOME, _TESTS = str(_ROOT), str(_ROOT / "tests")


def offending(statement: str) -> list[str]:
    """The partial-index conditions a statement compares against a bound value."""
    if not any(column in statement for column in _COLUMNS):
        return []
    return [name for name, pattern in _PATTERNS.items() if pattern.search(statement)]


def from_the_service() -> bool:
    """True when the project's code nearest on the stack is the service's, not a test's own query."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_HOME) and "/site-packages/" not in name and not name.endswith("partial_indexes.py"):
            return not name.startswith(_TESTS)
        frame = frame.f_back
    return False


def watch(engine, counts=from_the_service) -> list[str]:
    """Record, from now on, each statement the service runs on the engine that binds such a value; the
    list fills. A test's own queries are not the service's and are let be (counts says which count)."""
    seen: list[str] = []

    def check(conn, cursor, statement, parameters, context, executemany):
        if "?" in statement and offending(statement) and counts():
            seen.append(" ".join(statement.split()))
    event.listen(engine, "before_cursor_execute", check)
    return seen
