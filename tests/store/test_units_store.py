"""The tree of units: subtrees, ancestors, the 服务点 of a community, and the demo district."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from store.demo import load_demo
from store.models import Course, Unit, Venue
from store.units import (ancestors, branch_of, level_name, load_tree, root_unit, subtree_ids, unit_by_code,
                         unit_for_community)

START = datetime(2026, 12, 1, 0, 0)


def test_demo_district_is_one_root_two_branches_and_their_points(sqlite_db):
    load_demo(sqlite_db, START)
    with sqlite_db.session() as s:
        tree = load_tree(s)
        (root,) = tree.roots()
        assert root.code == "ROOT" and root_unit(s).id == root.id
        branches = tree.kids(root.id)
        assert sorted(b.code for b in branches) == ["FG-DH", "FG-HP"]
        assert all(len(tree.kids(b.id)) >= 3 and all(k.level == 3 for k in tree.kids(b.id)) for b in branches)
        # Every demo community is a 服务点, and every venue and course belongs to a unit.
        for venue in s.exec(select(Venue)):
            assert unit_for_community(s, venue.community) is not None
            assert venue.unit_id is not None
        assert all(course.unit_id is not None for course in s.exec(select(Course)))


def test_subtree_and_ancestors(sqlite_db):
    load_demo(sqlite_db, START)
    with sqlite_db.session() as s:
        hp, xf = unit_by_code(s, "FG-HP"), unit_for_community(s, "幸福社区")
        assert xf.id in subtree_ids(s, hp.id)
        assert xf.id not in subtree_ids(s, unit_by_code(s, "FG-DH").id)
        assert subtree_ids(s, root_unit(s).id) == {u.id for u in s.exec(select(Unit))}
        assert [u.code for u in ancestors(s, xf.id)] == ["SP-XF", "FG-HP", "ROOT"]
        assert branch_of(s, xf.id).code == "FG-HP"
        assert branch_of(s, root_unit(s).id) is None
        assert unit_by_code(s, "fg-hp").id == hp.id
        assert unit_for_community(s, "") is None and unit_for_community(s, "火星社区") is None


def test_level_names_come_from_settings():
    assert level_name(1) == "总馆" and level_name(3) == "服务点"
    assert level_name(3, ["县馆", "乡镇分馆", "村服务点"]) == "村服务点"


def test_loading_the_demo_twice_adds_no_units(sqlite_db):
    assert load_demo(sqlite_db, START)["units"] == 10
    assert load_demo(sqlite_db, START)["units"] == 0
