"""The demo catalogue: big enough, plausible, busy in places, and loaded only once."""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta

from sqlmodel import select

from store.demo import course_plans, load_demo, read_data
from store.enrolments import seats_left
from store.models import Category, ChannelAccount, ClassSession, Course, Enrolment, Resident, Venue

MIN_HOURS = {"library": 60, "culture_centre": 56, "station": 42, "community_centre": 42}
# 2026-12-01 08:00 in Shanghai, a Tuesday morning.
START = datetime(2026, 12, 1, 0, 0)
NAMED_CATEGORIES = {"舞蹈", "声乐", "美术", "书法", "太极", "瑜伽", "乒乓球", "合唱", "器乐", "朗诵",
                    "摄影", "手工", "智能手机课"}


def _hours_per_week(opening_hours: dict) -> float:
    total = 0
    for span in opening_hours.values():
        start, end = span.split("-")
        (h1, m1), (h2, m2) = start.split(":"), end.split(":")
        total += (int(h2) * 60 + int(m2)) - (int(h1) * 60 + int(m1))
    return total / 60


def _snapshot(db) -> dict:
    with db.session() as s:
        return {
            "courses": sorted((c.code, c.title, c.capacity, c.teacher, c.venue_id, c.updated_at)
                              for c in s.exec(select(Course))),
            "sessions": sorted((x.course_id, x.starts_at, x.ends_at) for x in s.exec(select(ClassSession))),
            "enrolments": sorted((e.course_id, e.resident_id, e.status) for e in s.exec(select(Enrolment))),
            "categories": sorted((c.section, c.name) for c in s.exec(select(Category))),
            "venues": sorted((v.code, v.name) for v in s.exec(select(Venue))),
            "residents": len(s.exec(select(Resident)).all()),
        }


def test_data_file_codes_and_texts_are_sound():
    plans = course_plans(read_data())
    codes = [p["code"] for p in plans]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]{2}-[A-Z]{2}-\d{2}", code) and len(code) <= 16 for code in codes)
    assert len({p["title"] for p in plans}) == len(plans)
    assert all(p["description"] and len(p["description"]) <= 80 and p["tags"] for p in plans)
    for p in plans:
        low, high = p["category"]["capacity"]
        assert 10 <= low <= high <= 40


def test_demo_catalogue_is_large_plausible_and_busy(db):
    counts = load_demo(db, START)
    assert counts["courses"] >= 100 and counts["venues"] >= 6 and counts["categories"] >= 20
    with db.session() as s:
        categories = s.exec(select(Category)).all()
        courses = s.exec(select(Course)).all()
        venues = s.exec(select(Venue)).all()
        assert {c.section for c in categories} == {"文化", "体育", "艺术"}
        assert len(categories) >= 20 and NAMED_CATEGORIES <= {c.name for c in categories}
        assert len(courses) >= 100
        assert {c.category_id for c in courses} == {c.id for c in categories}
        assert all(10 <= c.capacity <= 40 and c.teacher and c.description for c in courses)

        assert len(venues) >= 6
        for venue in venues:
            hours = json.loads(venue.opening_hours)
            assert venue.address and venue.community and venue.phone
            assert hours.get("sat") and hours.get("sun"), venue.name
            assert _hours_per_week(hours) >= MIN_HOURS.get(venue.kind, 0), venue.name

        sessions = s.exec(select(ClassSession)).all()
        per_course = Counter(x.course_id for x in sessions)
        assert set(per_course) == {c.id for c in courses}
        assert all(4 <= n <= 8 for n in per_course.values())
        for x in sessions:
            assert START < x.starts_at and x.ends_at <= START + timedelta(weeks=8)
            assert timedelta(minutes=60) <= x.ends_at - x.starts_at <= timedelta(minutes=120)
            local = x.starts_at + timedelta(hours=8)
            assert 7 <= local.hour <= 20
        for course in courses[:10]:
            starts = sorted(x.starts_at for x in sessions if x.course_id == course.id)
            assert all(b - a == timedelta(weeks=1) for a, b in zip(starts, starts[1:]))

        left = [seats_left(s, c) for c in courses]
        assert sum(1 for n in left if n <= 2) >= 5
        assert 1 <= sum(1 for n in left if n == 0) <= 10
        assert all(e.status == "confirmed" for e in s.exec(select(Enrolment)))
        accounts = s.exec(select(ChannelAccount)).all()
        assert accounts and all(a.channel == "demo" and a.external_id.startswith("demo-")
                                for a in accounts)
    assert counts["enrolments"] == len(_snapshot(db)["enrolments"])


def test_loading_twice_adds_and_changes_nothing(db):
    load_demo(db, START)
    before = _snapshot(db)
    again = load_demo(db, START + timedelta(days=3))
    assert set(again.values()) == {0}
    assert _snapshot(db) == before
