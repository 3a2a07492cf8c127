"""点名 by unit: the organizer of the 分馆 above a course's 服务点 takes its roll; the other 分馆's is
refused, and the refusal is audited with the course's unit."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from bot.cli.staff import grant
from bot.messages import Incoming
from store.models import AuditEntry, ClassSession, Course
from store.units import unit_by_code
from store.units_import import import_units
from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.people import console_person
from tests.store.test_units_import import GOOD, write_csv


def test_roll_of_a_course_at_a_point_of_the_other_branch_is_refused(dialogs, tmp_path):
    import_units(dialogs.db, write_csv(tmp_path / "units.csv", GOOD))
    course = add_course(dialogs.db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(hours=1), sessions=2)
    with dialogs.db.session() as s:
        point = unit_by_code(s, "SP-3").id  # under FG-B
        s.get(Course, course.id).unit_id = point
        cls = s.exec(select(ClassSession).where(ClassSession.course_id == course.id)
                     .order_by(ClassSession.starts_at)).first()
    for who, unit in (("org-a", "FG-A"), ("org-b", "FG-B")):
        console_person(dialogs, who)
        grant(dialogs.db, "organizer", "console", who, unit=unit)
    dialogs.clock.advance(minutes=70)
    refused = dialogs.handle(Incoming("console", "org-a", payload=f"roll:{cls.id}"))[0].text
    assert "只对工作人员开放" in refused
    allowed = dialogs.handle(Incoming("console", "org-b", payload=f"roll:{cls.id}"))[0].text
    assert "只对工作人员开放" not in allowed
    with dialogs.db.session() as s:
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
    assert entry.target == "attendance.roll" and json.loads(entry.detail)["unit_id"] == point
