"""INSERT statements that skip a row whose unique key exists, built once for each database we run on."""
from __future__ import annotations

from sqlalchemy import Column, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_new_by_dialect(table: Table, key: list[str], returning: Column) -> dict[str, Insert]:
    """Per dialect name: INSERT … ON CONFLICT (key) DO NOTHING RETURNING returning (no row when skipped)."""
    return {name: dialect.insert(table).on_conflict_do_nothing(index_elements=key).returning(returning)
            for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
