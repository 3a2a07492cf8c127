"""Where an organizer may publish and what they may manage: a venue's unit is its own, else its
community's 服务点, else the 总馆's; the lists agree with has_role, record by record."""
from __future__ import annotations

from sqlmodel import select

from store.models import Category, Course, Resident, Venue
from store.models.staff import ORGANIZER
from store.publishing_scope import (course_unit_id, home_of, manageable_courses, may_publish_at,
                                    organizer_scope, usable_venues, venue_unit_id)
from store.roles import grant_role, has_role
from store.units import unit_by_code
from store.units_import import import_units
from tests.store.test_units_import import GOOD, write_csv


def test_venues_and_courses_by_unit_agree_with_the_roles(db, tmp_path):
    import_units(db, write_csv(tmp_path / "units.csv", GOOD))
    with db.session() as s:
        code = {c: unit_by_code(s, c).id for c in ("ROOT", "FG-A", "FG-B", "SP-1", "SP-2", "SP-3")}
        people = [Resident(display_name=n) for n in ("甲", "乙社区", "总馆", "老街")]
        category = Category(section="文化", name="书法")
        s.add_all(people + [category])
        s.flush()
        a, point, centre, old = (p.id for p in people)
        grant_role(s, a, ORGANIZER, unit_id=code["FG-A"])
        grant_role(s, point, ORGANIZER, "二号社区")             # a community with a 服务点: granted there
        grant_role(s, centre, ORGANIZER, unit_id=code["ROOT"])
        grant_role(s, old, ORGANIZER, "老街社区")               # a community no unit stands for
        venues = [Venue(code="V1", name="一号站", unit_id=code["SP-1"]),
                  Venue(code="V2", name="二号礼堂", community="二号社区"),
                  Venue(code="V3", name="三号站", unit_id=code["SP-3"], community="三号社区"),
                  Venue(code="V4", name="老街书屋", community="老街社区"),
                  Venue(code="V5", name="无名厅")]
        s.add_all(venues)
        s.flush()
        assert [venue_unit_id(s, v) for v in venues] == [code["SP-1"], code["SP-2"], code["SP-3"],
                                                         code["ROOT"], code["ROOT"]]
        courses = [Course(code=f"C{v.code}", title=v.name, section="文化", category_id=category.id, venue_id=v.id)
                   for v in venues] + [Course(code="CX", title="乙馆的课", section="文化", category_id=category.id,
                                              venue_id=venues[0].id, unit_id=code["FG-B"])]
        s.add_all(courses)
        s.flush()
        assert course_unit_id(s, courses[1]) == code["SP-2"] and course_unit_id(s, courses[-1]) == code["FG-B"]

        expected = {a: {"一号站", "二号礼堂"}, point: {"二号礼堂"}, old: {"老街书屋"},
                    centre: {v.name for v in venues}}
        for who, names in expected.items():
            assert {v.name for v in usable_venues(s, who)} == names
            assert all(may_publish_at(s, who, v) == (v.name in names) == has_role(
                s, who, ORGANIZER, v.community, venue_unit_id(s, v)) for v in venues)
            managed = {c.title for c in manageable_courses(s, who)}
            assert managed == names | ({"乙馆的课"} if who == centre else set())
        assert organizer_scope(s, centre).unit_ids == set(code.values()) | {unit_by_code(s, "SP-4").id}

        assert home_of(s, a) == ("", code["FG-A"])
        assert home_of(s, point) == ("二号社区", code["SP-2"])
        assert home_of(s, old) == ("老街社区", None)
        everywhere = Resident(display_name="全区")
        s.add(everywhere)
        s.flush()
        grant_role(s, everywhere.id, ORGANIZER)
        assert home_of(s, everywhere.id) == ("", None) and organizer_scope(s, everywhere.id).everywhere
        assert len(s.exec(select(Course)).all()) == len(manageable_courses(s, everywhere.id))
