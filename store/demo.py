"""The demo catalogue: a realistic service menu with venues, sessions and a few busy courses."""
from __future__ import annotations

import json
import random
import tomllib
from datetime import date, datetime, time, timedelta
from importlib import resources

from sqlmodel import Session, select

from store.clock import utcnow
from store.db import Database
from store.enrolments import take_seat
from store.models import Category, ChannelAccount, ClassSession, Course, Resident, Unit, Venue
from store.people import find_account
from store.rewards import load_demo_rewards
from store.services_import import load_demo_services
from store.units import unit_by_code, unit_for_community
from store.venue_import import load_demo_rooms

DATA_FILE = "data/demo_catalogue.toml"
DEMO_CHANNEL = "demo"
WEEKS = 8
# Asia/Shanghai keeps UTC+8 all year, so a fixed offset is exact here.
LOCAL_OFFSET = timedelta(hours=8)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIN_WEEKLY_HOURS = {"library": 60, "culture_centre": 56, "station": 42, "community_centre": 42}
FULL_COURSES = 4
NEARLY_FULL_COURSES = 8


def read_data() -> dict:
    """The demo catalogue as written in the packaged data file."""
    return tomllib.loads(resources.files("bot").joinpath(DATA_FILE).read_text("utf-8"))


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def open_span(hours: dict, day: str) -> tuple[int, int] | None:
    """Opening and closing minute of a day ("mon" …), or None when closed."""
    text = (hours.get(day) or "").strip()
    if "-" not in text:
        return None
    start, end = text.split("-", 1)
    return _minutes(start), _minutes(end)


def course_plans(data: dict) -> list[dict]:
    """Every course of the data file with its code, category settings and texts."""
    plans = []
    for category in data["category"]:
        prefix = data["sections"][category["section"]]
        for number, course in enumerate(category["courses"], start=1):
            plans.append({
                "code": f"{prefix}-{category['code']}-{number:02d}", "title": course["title"],
                "description": course["text"], "tags": course["tags"], "category": category,
            })
    return plans


def _schedule(plan: dict, venues: dict[str, dict], data: dict, now: datetime,
              rng: random.Random) -> tuple[str, list[tuple[datetime, datetime]]]:
    """A venue code and weekly sessions (naive UTC) for one course, all within WEEKS of now."""
    category = plan["category"]
    venue_code = rng.choice(category.get("venues") or sorted(venues))
    hours = venues[venue_code]["hours"]
    length = rng.choice(category["minutes"])
    slots = category.get("slots") or data["slots"]
    fitting = [
        (weekday, slot) for weekday in range(7) for slot in slots
        if (span := open_span(hours, DAYS[weekday]))
        and span[0] <= _minutes(slot) and _minutes(slot) + length <= span[1]
    ]
    if not fitting:
        raise ValueError(f"{plan['code']}：{venue_code} 的开放时间放不下这门课")
    weekday, slot = rng.choice(fitting)
    count = rng.randint(4, 8)
    delay = min(rng.choice([0, 0, 0, 1, 2]), WEEKS - count)
    tomorrow: date = (now + LOCAL_OFFSET).date() + timedelta(days=1)
    first_day = tomorrow + timedelta(days=(weekday - tomorrow.weekday()) % 7)
    first = datetime.combine(first_day, time.fromisoformat(slot)) - LOCAL_OFFSET
    limit = now + timedelta(weeks=WEEKS)
    while first + timedelta(weeks=delay + count - 1, minutes=length) > limit:
        if delay:
            delay -= 1
        else:
            count -= 1
    starts = [first + timedelta(weeks=delay + week) for week in range(count)]
    return venue_code, [(start, start + timedelta(minutes=length)) for start in starts]


def _seats_to_fill(plans: list[dict], capacities: dict[str, int], seed: int) -> dict[str, int]:
    """How many demo residents sign up for each course: a few full, some nearly full."""
    rng = random.Random(f"{seed}:busy")
    codes = [plan["code"] for plan in plans]
    busy = rng.sample(codes, FULL_COURSES + NEARLY_FULL_COURSES)
    taken = {}
    for index, code in enumerate(busy):
        taken[code] = capacities[code] - (0 if index < FULL_COURSES else rng.choice([1, 2]))
    for code in codes:
        if code not in taken and rng.random() < 0.4:
            taken[code] = rng.randint(1, capacities[code] // 2)
    return taken


def _demo_residents(session: Session, data: dict, count: int) -> tuple[list[int], int]:
    """Ids of the demo residents demo-1 … demo-count, creating missing ones; and how many were new."""
    surnames, suffixes = data["residents"]["surnames"], data["residents"]["suffixes"]
    ids, created = [], 0
    for index in range(count):
        account = find_account(session, DEMO_CHANNEL, f"demo-{index + 1}")
        if account is None:
            name = surnames[index % len(surnames)] + suffixes[index % len(suffixes)]
            resident = Resident(display_name=name)
            session.add(resident)
            session.flush()
            account = ChannelAccount(channel=DEMO_CHANNEL, external_id=f"demo-{index + 1}",
                                     resident_id=resident.id)
            session.add(account)
            session.flush()
            created += 1
        ids.append(account.resident_id)
    return ids, created


def _ensure_units(session: Session, data: dict, counts: dict) -> None:
    """Add the demo units (a 总馆, two 分馆 and their 服务点) that are missing, parents first."""
    for item in data["unit"]:
        if unit_by_code(session, item["code"]) is not None:
            continue
        parent = unit_by_code(session, item["parent"]) if item.get("parent") else None
        session.add(Unit(code=item["code"], name=item["name"], level=item["level"],
                         parent_id=parent.id if parent else None, address=item.get("address", ""),
                         contact=item.get("contact", "")))
        session.flush()
        counts["units"] += 1


def _venue_unit(session: Session, item: dict) -> int | None:
    """The unit a demo venue belongs to: the one named, else its community's 服务点."""
    unit = unit_by_code(session, item["unit"]) if item.get("unit") else unit_for_community(session, item["community"])
    return unit.id if unit else None


def _ensure_venues(session: Session, data: dict, counts: dict) -> dict[str, int]:
    """Venue ids by code, adding the demo venues that are missing."""
    ids = {}
    for item in data["venue"]:
        venue = session.exec(select(Venue).where(Venue.code == item["code"])).first()
        if venue is None:
            venue = Venue(code=item["code"], name=item["name"], address=item["address"],
                          community=item["community"], kind=item["kind"], phone=item["phone"],
                          opening_hours=json.dumps(item["hours"], ensure_ascii=False),
                          unit_id=_venue_unit(session, item))
            session.add(venue)
            session.flush()
            counts["venues"] += 1
        ids[item["code"]] = venue.id
    return ids


def _ensure_categories(session: Session, data: dict, counts: dict) -> dict[str, int]:
    """Category ids by name, adding the demo categories that are missing."""
    ids, order = {}, {}
    for item in data["category"]:
        order[item["section"]] = order.get(item["section"], 0) + 10
        category = session.exec(select(Category).where(Category.name == item["name"])).first()
        if category is None:
            category = Category(section=item["section"], name=item["name"],
                                sort_order=order[item["section"]])
            session.add(category)
            session.flush()
            counts["categories"] += 1
        ids[item["name"]] = category.id
    return ids


def load_demo(db: Database, now: datetime | None = None) -> dict:
    """Load the demo catalogue (naive UTC now); courses and venues already there are left alone."""
    now = now or utcnow()
    data = read_data()
    seed = data["seed"]
    counts = dict.fromkeys(("units", "categories", "venues", "courses", "sessions", "residents",
                            "enrolments"), 0)
    venues = {item["code"]: item for item in data["venue"]}
    plans = course_plans(data)
    capacities = {}
    for plan in plans:
        low, high = plan["category"]["capacity"]
        capacities[plan["code"]] = random.Random(f"{seed}:{plan['code']}:capacity").randint(low, high)
    taken = _seats_to_fill(plans, capacities, seed)
    with db.session() as session:
        _ensure_units(session, data, counts)
        venue_ids = _ensure_venues(session, data, counts)
        venue_units = {venue.id: venue.unit_id for venue in session.exec(select(Venue))}
        category_ids = _ensure_categories(session, data, counts)
        existing = set(session.exec(select(Course.code).where(
            Course.code.in_([plan["code"] for plan in plans]))))
        new_courses = []
        for plan in plans:
            if plan["code"] in existing:
                continue
            rng = random.Random(f"{seed}:{plan['code']}")
            category = plan["category"]
            venue_code, times = _schedule(plan, venues, data, now, rng)
            course = Course(code=plan["code"], title=plan["title"], section=category["section"],
                            category_id=category_ids[category["name"]],
                            teacher=rng.choice(category["teachers"]), venue_id=venue_ids[venue_code],
                            capacity=capacities[plan["code"]], description=plan["description"],
                            tags=plan["tags"], unit_id=venue_units.get(venue_ids[venue_code]))
            session.add(course)
            session.flush()
            for starts_at, ends_at in times:
                session.add(ClassSession(course_id=course.id, starts_at=starts_at, ends_at=ends_at))
            session.flush()
            counts["courses"] += 1
            counts["sessions"] += len(times)
            new_courses.append(course)
        wanted = max((taken.get(course.code, 0) for course in new_courses), default=0)
        residents, counts["residents"] = _demo_residents(session, data, wanted)
        for course in new_courses:
            # Start at a different resident per course so no demo resident is in every class.
            offset = random.Random(f"{seed}:{course.code}:people").randrange(len(residents) or 1)
            for index in range(taken.get(course.code, 0)):
                resident_id = residents[(offset + index) % len(residents)]
                if take_seat(session, resident_id, course.id, now).status == "confirmed":
                    counts["enrolments"] += 1
    counts["rooms"] = load_demo_rooms(db)
    counts.update(load_demo_services(db))
    counts["rewards"] = load_demo_rewards(db)
    return counts
