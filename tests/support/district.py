"""A small district for the figures by unit: a 总馆, 2 分馆 and 4 服务点, each running a course at
its own venue, with sessions held in November 2026, rolls, bookings, orders, ratings and service time."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from store.db import Database
from store.models import (Attendance, Booking, Category, ClassSession, Course, Enrolment, PointEntry, Rating,
                          Resident, Room, ServiceItem, ServiceOrder, SessionRoll, Unit, Venue)

# 2026-11-02 09:00 local (a Monday), in naive UTC.
NOVEMBER = datetime(2026, 11, 2, 1, 0)
TREE = [  # code, name, level, parent
    ("ROOT", "区文化馆", 1, None),
    ("FA", "福田分馆", 2, "ROOT"), ("FB", "园岭分馆", 2, "ROOT"),
    ("FA1", "幸福社区服务点", 3, "FA"), ("FA2", "和平社区服务点", 3, "FA"),
    ("FB1", "百花社区服务点", 3, "FB"), ("FB2", "红荔社区服务点", 3, "FB"),
]
OPEN_42 = json.dumps(dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "09:00-15:00"))
WEEKDAYS_ONLY = json.dumps(dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-18:00"))


def build_district(db: Database) -> dict[str, int]:
    """The tree and, for unit number k (0…6): k+1 sessions held, (k % 3)+1 residents seated (the first
    session of every other unit's course rolled with one present), k bookings (and one cancelled),
    k+1 orders (one done), two ratings (优, 中) and service time; one course and venue name no unit.
    The unit ids by code."""
    with db.session() as s:
        ids: dict[str, int] = {}
        for code, name, level, parent in TREE:
            unit = Unit(code=code, name=name, level=level, parent_id=ids.get(parent))
            s.add(unit)
            s.flush()
            ids[code] = unit.id
        category = Category(section="文化", name="书法")
        item = ServiceItem(code="XQ", name="送戏下乡")
        s.add_all([category, item])
        s.flush()
        people = [Resident(display_name=f"居民{n}", unit_id=ids["FA1"]) for n in range(3)]
        s.add_all(people)
        s.flush()
        units = [(code, ids[code]) for code, *_ in TREE] + [("NONE", None)]
        for k, (code, unit_id) in enumerate(units):
            venue = Venue(code=f"V-{code}", name=f"{code}活动室", kind="community_centre", unit_id=unit_id,
                          community=f"{code}社区", opening_hours=WEEKDAYS_ONLY if k == 2 else OPEN_42)
            s.add(venue)
            s.flush()
            course = Course(code=f"C-{code}", title=f"{code}书法班", section="文化", category_id=category.id,
                            venue_id=venue.id, unit_id=unit_id)
            room = Room(venue_id=venue.id, code="R1", name="活动室")
            s.add_all([course, room])
            s.flush()
            held = []
            for week in range(k + 1):
                start = NOVEMBER + timedelta(days=k % 3, weeks=week % 4, hours=week // 4)
                held.append(ClassSession(course_id=course.id, starts_at=start, ends_at=start + timedelta(hours=1)))
            s.add_all(held)
            s.flush()
            for person in people[:k % 3 + 1]:
                s.add(Enrolment(course_id=course.id, resident_id=person.id, status="confirmed",
                                created_at=NOVEMBER - timedelta(days=1), confirmed_at=NOVEMBER - timedelta(days=1)))
            if k % 2 == 0:
                s.add(SessionRoll(session_id=held[0].id, code=f"R{k}", taken_at=held[0].starts_at))
                s.add(Attendance(session_id=held[0].id, resident_id=people[0].id, source="marked"))
            for grade, person in zip(("优", "中"), people[:2]):
                s.add(Rating(session_id=held[0].id, course_id=course.id, resident_id=person.id, grade=grade))
            for n in range(k + 1):
                status = "booked" if n < k else "cancelled"
                start = NOVEMBER + timedelta(days=n, hours=2)
                s.add(Booking(room_id=room.id, resident_id=people[0].id, starts_at=start,
                              ends_at=start + timedelta(hours=1), status=status, check_in_code=f"{k}{n}"))
            orders = [ServiceOrder(number=f"D{k}-{n}", service_id=item.id, community=f"{code}社区", place="广场",
                                   audience=50, contact_name="王", ordered_by=people[0].id, unit_id=unit_id,
                                   status="done" if n == 0 else "ordered", created_at=NOVEMBER)
                      for n in range(k + 1)]
            s.add_all(orders)
            s.flush()
            s.add(PointEntry(resident_id=people[1].id, points=2, minutes=90, source=f"session:{held[0].id}",
                             created_at=NOVEMBER + timedelta(days=1)))
            s.add(PointEntry(resident_id=people[2].id, points=1, minutes=30 * (k + 1), source=f"order:{orders[0].id}",
                             created_at=NOVEMBER + timedelta(days=1)))
        # Service time with no unit of its own counts in the volunteer's 服务点.
        s.add(PointEntry(resident_id=people[0].id, points=3, minutes=180, source="shift:1",
                         created_at=NOVEMBER + timedelta(days=2)))
        return ids
