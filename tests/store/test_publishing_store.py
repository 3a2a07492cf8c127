"""Courses published from the chat are the courses an import makes, and changes to their sessions
say why they cannot happen (started, past, taken, gone) without touching anything."""
from __future__ import annotations

import csv
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from store.catalog_file import CatalogImportError
from store.catalog_import import import_catalog
from store.models import Category, ClassSession, Course, Venue
from store.publishing import add_session, cancel_session, move_session, publish_course
from tests.conftest import START

TZ = "Asia/Shanghai"
FIELDS = {"section": "文化", "category": "书法", "title": "零基础毛笔书法", "teacher": "王老师",
          "venue": "幸福社区文化家园", "capacity": "20", "tags": "免费 适合老年人", "companions_max": "2",
          "seat_offer": "offer", "signup_mode": "lottery", "apply_until": "2026-11-30 20:00"}
LOCAL = [(datetime(2026, 12, 2, 14, 0), datetime(2026, 12, 2, 15, 30)),
         (datetime(2026, 12, 9, 14, 0), datetime(2026, 12, 9, 15, 30))]
SAME = ("title", "section", "teacher", "capacity", "description", "tags", "reminders_on", "companions_max",
        "seat_offer", "signup_mode", "apply_until", "active")


def course_shape(s, course: Course) -> tuple:
    sessions = [(row.starts_at, row.ends_at) for row in s.exec(
        select(ClassSession).where(ClassSession.course_id == course.id).order_by(ClassSession.starts_at))]
    return (tuple(getattr(course, name) for name in SAME), s.get(Category, course.category_id).name,
            s.get(Venue, course.venue_id).name, sessions)


def test_a_published_course_is_the_course_an_import_of_its_rows_makes(db, tmp_path):
    path = tmp_path / "catalog.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["course_code", *FIELDS, "starts_at", "ends_at"])
        for start, end in LOCAL:
            writer.writerow(["WH-SF-01", *FIELDS.values(), f"{start:%Y-%m-%d %H:%M}", f"{end:%Y-%m-%d %H:%M}"])
    import_catalog(db, path, TZ, START - timedelta(days=5))
    with db.session() as s:
        published, report = publish_course(s, FIELDS | {"title": "零基础毛笔书法"}, LOCAL, TZ, START - timedelta(days=5))
        imported = s.exec(select(Course).where(Course.code == "WH-SF-01")).one()
        assert course_shape(s, published) == course_shape(s, imported)
        assert published.code.startswith("P") and report.created_course_ids == [published.id]
        assert published.apply_until == datetime(2026, 11, 30, 12, 0)   # 20:00 in Shanghai, stored in UTC


@pytest.mark.parametrize("change,message", [
    ({"category": "书" * 41}, "项目太长了"), ({"signup_mode": "lottery", "apply_until": ""}, "摇号报名的课程要写报名截止时间"),
    ({"companions_max": "9"}, "可带同伴应为 0 到 6 的整数"), ({"section": "音乐"}, "板块应为"),
])
def test_the_catalogue_rules_refuse_a_course_and_nothing_is_written(db, change, message):
    with db.session() as s:
        with pytest.raises(CatalogImportError) as refused:
            publish_course(s, FIELDS | change, LOCAL, TZ, START)
        assert message in str(refused.value)
        assert s.exec(select(Course)).all() == []


def test_a_change_that_cannot_happen_says_why(db):
    with db.session() as s:
        course, _ = publish_course(s, FIELDS | {"signup_mode": "first_come", "apply_until": ""}, LOCAL, TZ, START)
        first, second = s.exec(select(ClassSession).order_by(ClassSession.starts_at)).all()
        later = START + timedelta(days=1, hours=7)   # after the first session has started
        assert move_session(s, course.id, first.id, second.starts_at + timedelta(days=1),
                            second.ends_at + timedelta(days=1), later).status == "started"
        assert move_session(s, course.id, second.id, START, START + timedelta(hours=1), later).status == "past"
        assert add_session(s, course.id, second.starts_at, second.ends_at, START).status == "taken"
        assert cancel_session(s, course.id + 1, second.id, START).status == "not_found"
        done = move_session(s, course.id, second.id, second.starts_at + timedelta(days=1),
                            second.ends_at + timedelta(days=1), START)
        assert done.status == "done" and [c.kind for c in done.report.session_changes] == ["moved"]
        assert s.get(ClassSession, second.id).starts_at == datetime(2026, 12, 10, 6, 0)
