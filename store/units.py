"""The tree of units: loading it, subtrees, ancestors, and the unit of a community.

A 服务点 (level 3) stands for one community: its name is the community string venues, residents,
teams, groups and notices carry, so the two stay in step. Rows also carry unit_id; when a row
names a community but no unit, the 服务点 of that name is its unit.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, select

from store.models.units import BRANCH_LEVEL, POINT_LEVEL, ROOT_CODE, ROOT_LEVEL, Unit

DEFAULT_LEVEL_NAMES = ("总馆", "分馆", "服务点")


@dataclass
class Tree:
    """Every unit by id, and the children of each (ordered by code)."""

    units: dict[int, Unit] = field(default_factory=dict)
    children: dict[int | None, list[int]] = field(default_factory=dict)

    def roots(self) -> list[Unit]:
        """The units with no parent."""
        return [self.units[i] for i in self.children.get(None, [])]

    def kids(self, unit_id: int | None) -> list[Unit]:
        """The units right under one."""
        return [self.units[i] for i in self.children.get(unit_id, [])]

    def subtree(self, unit_id: int) -> set[int]:
        """The unit and everything under it, by id."""
        found, todo = set(), [unit_id]
        while todo:
            current = todo.pop()
            if current in found:
                continue  # a cycle in hand-edited data must not hang us
            found.add(current)
            todo.extend(self.children.get(current, []))
        return found

    def chain(self, unit_id: int) -> list[Unit]:
        """The unit, its parent, and so on up to the root."""
        out, seen = [], set()
        current = self.units.get(unit_id)
        while current is not None and current.id not in seen:
            out.append(current)
            seen.add(current.id)
            current = self.units.get(current.parent_id) if current.parent_id is not None else None
        return out

    def walk(self) -> Iterable[tuple[int, Unit]]:
        """(depth, unit) depth first from the roots, children by code."""
        def visit(unit_id: int, depth: int, seen: set[int]):
            if unit_id in seen:
                return
            seen.add(unit_id)
            yield depth, self.units[unit_id]
            for child in self.children.get(unit_id, []):
                yield from visit(child, depth + 1, seen)
        seen: set[int] = set()
        for root in self.children.get(None, []):
            yield from visit(root, 0, seen)


def load_tree(session: Session) -> Tree:
    """The whole tree of units."""
    tree = Tree()
    for unit in session.exec(select(Unit).order_by(Unit.code)):
        tree.units[unit.id] = unit
    for unit in tree.units.values():
        parent = unit.parent_id if unit.parent_id in tree.units else None
        tree.children.setdefault(parent, []).append(unit.id)
    return tree


def subtree_ids(session: Session, unit_id: int) -> set[int]:
    """A unit's id and the ids of every unit under it."""
    return load_tree(session).subtree(unit_id)


def ancestors(session: Session, unit_id: int) -> list[Unit]:
    """The unit itself, then its parent, up to the root."""
    return load_tree(session).chain(unit_id)


def unit_by_code(session: Session, code: str) -> Unit | None:
    """The unit with this code (exact, then ignoring case)."""
    code = code.strip()
    found = session.exec(select(Unit).where(Unit.code == code)).first()
    if found is None and code:
        found = next((u for u in session.exec(select(Unit)) if u.code.lower() == code.lower()), None)
    return found


def unit_for_community(session: Session, community: str) -> Unit | None:
    """The 服务点 standing for a community string; None for "" or a community not in the tree."""
    if not community:
        return None
    return session.exec(select(Unit).where(Unit.name == community, Unit.level == POINT_LEVEL)).first()


def root_unit(session: Session) -> Unit | None:
    """The 总馆: the unit coded ROOT, else the first unit of level 1."""
    return session.exec(select(Unit).where(Unit.code == ROOT_CODE)).first() or \
        session.exec(select(Unit).where(Unit.level == ROOT_LEVEL).order_by(Unit.id)).first()


def branch_of(session: Session, unit_id: int) -> Unit | None:
    """The 分馆 a unit is in (itself when it is one); None above or outside any 分馆."""
    return next((u for u in ancestors(session, unit_id) if u.level == BRANCH_LEVEL), None)


def level_name(level: int, names: Iterable[str] = DEFAULT_LEVEL_NAMES) -> str:
    """What this district calls a level (总馆 / 分馆 / 服务点, or 县馆 / 乡镇分馆 / 村服务点)."""
    names = tuple(names) or DEFAULT_LEVEL_NAMES
    return names[level - 1] if 1 <= level <= len(names) else str(level)


def points(session: Session) -> list[Unit]:
    """Every 服务点, by code."""
    return list(session.exec(select(Unit).where(Unit.level == POINT_LEVEL).order_by(Unit.code)))


def point_id(session: Session, community: str) -> int | None:
    """The id of the 服务点 standing for a community, None when there is none."""
    unit = unit_for_community(session, community)
    return unit.id if unit else None


def covers(session: Session, unit_id: int | None, target_unit_id: int | None) -> bool:
    """True when a unit (None = everywhere) is the target or above it."""
    if unit_id is None:
        return True
    return target_unit_id is not None and unit_id in {u.id for u in ancestors(session, target_unit_id)}


def nearness(session: Session, home_unit_id: int | None):
    """A sort key for units seen from a resident's 服务点: 0 their 服务点, 1 elsewhere in their
    分馆, 2 the rest of the district (all 2 when they have none)."""
    if home_unit_id is None:
        return lambda unit_id: 2
    tree = load_tree(session)
    branch = next((u for u in tree.chain(home_unit_id) if u.level == BRANCH_LEVEL), None)
    around = tree.subtree(branch.id) if branch else {home_unit_id}
    return lambda unit_id: 0 if unit_id == home_unit_id else 1 if unit_id in around else 2
