"""Roles on units: a grant covers its unit's subtree; unscoped covers all; a community grant is its 服务点's."""
from __future__ import annotations

from store.models import Resident
from store.models.staff import GRID_STAFF, ORGANIZER
from store.roles import communities_of, grant_role, has_role, holders_of, units_of
from store.units import subtree_ids, unit_by_code
from store.units_import import import_units
from tests.store.test_units_import import GOOD, write_csv


def test_a_branch_grant_covers_its_points_and_not_the_other_branch(db, tmp_path):
    import_units(db, write_csv(tmp_path / "units.csv", GOOD))
    with db.session() as s:
        people = [Resident(display_name=n) for n in ("甲馆员", "乙馆员", "总馆员", "网格员", "老网格员")]
        s.add_all(people)
        s.flush()
        a, b, centre, grid, old = (p.id for p in people)
        code = {c: unit_by_code(s, c).id for c in ("ROOT", "FG-A", "FG-B", "SP-1", "SP-3")}
        grant_role(s, a, ORGANIZER, unit_id=code["FG-A"])
        grant_role(s, b, ORGANIZER, unit_id=code["FG-B"])
        grant_role(s, centre, ORGANIZER)
        grant_role(s, grid, GRID_STAFF, "一号社区")          # a community with a 服务点: granted there
        grant_role(s, old, GRID_STAFF, "不在树里的社区")      # a community no unit stands for: by name
        assert not grant_role(s, a, ORGANIZER, unit_id=code["FG-A"])  # already held

        assert has_role(s, a, ORGANIZER, unit_id=code["SP-1"]) and has_role(s, a, ORGANIZER, "二号社区")
        assert not has_role(s, a, ORGANIZER, unit_id=code["SP-3"]) and not has_role(s, a, ORGANIZER, "三号社区")
        assert not has_role(s, a, ORGANIZER, unit_id=code["ROOT"])
        assert has_role(s, centre, ORGANIZER, unit_id=code["SP-3"]) and has_role(s, centre, ORGANIZER, "随便哪里")
        assert has_role(s, grid, GRID_STAFF, "一号社区") and not has_role(s, grid, GRID_STAFF, "二号社区")
        assert has_role(s, old, GRID_STAFF, "不在树里的社区")

        assert communities_of(s, a, ORGANIZER) == ["一号社区", "二号社区"]
        assert communities_of(s, centre, ORGANIZER) is None
        assert units_of(s, a, ORGANIZER) == subtree_ids(s, code["FG-A"])
        assert holders_of(s, ORGANIZER, "三号社区") == sorted([b, centre])
        assert holders_of(s, ORGANIZER, unit_id=code["FG-A"]) == sorted([a, centre])
