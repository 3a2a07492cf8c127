"""Small catalogues built by hand for tests."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from store.db import Database
from store.models import Category, ClassSession, Course, Venue


def add_course(db: Database, code: str, title: str, *, category: str = "书法", section: str = "文化",
               capacity: int = 20, first_start: datetime, sessions: int = 4, teacher: str = "王老师",
               venue: str = "幸福社区文化家园", address: str = "幸福路 8 号", description: str = "",
               tags: str = "", minutes: int = 90, community: str = "幸福社区") -> Course:
    """Add a course with weekly sessions from first_start (naive UTC); categories and venues are reused."""
    with db.session() as s:
        cat = s.exec(select(Category).where(Category.name == category)).first()
        if cat is None:
            cat = Category(section=section, name=category)
            s.add(cat)
            s.flush()
        place = s.exec(select(Venue).where(Venue.name == venue)).first()
        if place is None:
            place = Venue(code=f"V{abs(hash(venue)) % 10**8}", name=venue, address=address,
                          community=community)
            s.add(place)
            s.flush()
        course = Course(code=code, title=title, section=section, category_id=cat.id, teacher=teacher,
                        venue_id=place.id, capacity=capacity, description=description, tags=tags)
        s.add(course)
        s.flush()
        for week in range(sessions):
            start = first_start + timedelta(weeks=week)
            s.add(ClassSession(course_id=course.id, starts_at=start,
                               ends_at=start + timedelta(minutes=minutes)))
        return course
