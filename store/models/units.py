"""The district as a tree of units: 总馆 → 分馆 → 服务点 (level 1, 2, 3)."""
from __future__ import annotations

from sqlmodel import Field, SQLModel

ROOT_LEVEL = 1     # 总馆 (or 县馆 …: the names are settings)
BRANCH_LEVEL = 2   # 分馆
POINT_LEVEL = 3    # 服务点: one community, named as venues and residents name it
LEVELS = (ROOT_LEVEL, BRANCH_LEVEL, POINT_LEVEL)
ROOT_CODE = "ROOT"


class Unit(SQLModel, table=True):
    """One unit of the district: its code, name, level and the unit above it."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=60, index=True)
    level: int = Field(default=POINT_LEVEL, ge=1, le=3)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    address: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=100)
