"""The monthly workbook, checked cell by cell against figures the test works out from its own data."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.report.monthly import collect, monthly_report
from bot.report.months import month_of, parse_month, previous_month
from store.models import (Booking, Category, ClassSession, Course, Enrolment, PointEntry, Rating, Resident,
                          Room, ServiceItem, ServiceOrder, SessionLeave, Venue, Volunteer)
from tests.conftest import START

TZ = ZoneInfo("Asia/Shanghai")
NOW = START  # 2026-12-01 08:00 in Shanghai: November is complete
NOVEMBER = month_of(2026, 11, TZ)
GRADES = ("优", "良", "中", "差")


def utc(text: str) -> datetime:
    """A Shanghai local time 'YYYY-MM-DD HH:MM' as naive UTC."""
    local = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def in_november(text: str) -> bool:
    return text.startswith("2026-11-")


CATEGORIES = {"书法": ("文化", 1), "太极": ("体育", 1), "舞蹈": ("艺术", 1), "合唱": ("艺术", 2)}
VENUES = {"V1": ("幸福社区文化家园", "幸福社区"), "V2": ("和平街道文化站", "和平社区"),
          "V3": ("光明社区活动室", "光明社区")}
COURSES = {  # code: title, category, teacher, venue
    "WH-SF-01": ("零基础毛笔书法", "书法", "林老师", "V1"),
    "TY-TJ-01": ("杨式太极拳", "太极", "赵老师", "V2"),
    "YS-WD-01": ("广场舞", "舞蹈", "林老师", "V1"),
    "YS-HC-01": ("合唱团", "合唱", "周老师", "V3"),
}
SESSIONS = {  # key: course, local start, minutes
    "sf1": ("WH-SF-01", "2026-11-03 09:00", 90), "sf2": ("WH-SF-01", "2026-11-10 09:00", 90),
    "sf3": ("WH-SF-01", "2026-11-17 09:00", 90), "sf4": ("WH-SF-01", "2026-11-24 09:00", 90),
    "tj0": ("TY-TJ-01", "2026-11-01 00:00", 60),   # the first minute of the month
    "tj1": ("TY-TJ-01", "2026-11-30 23:00", 59),   # the last hour of the month
    "tj2": ("TY-TJ-01", "2026-12-01 00:30", 60),   # December already (still November in UTC)
    "wd1": ("YS-WD-01", "2026-11-05 19:00", 60), "wd2": ("YS-WD-01", "2026-11-12 19:00", 60),
    "hc0": ("YS-HC-01", "2026-10-31 23:30", 60),   # October (November in UTC)
    "hc1": ("YS-HC-01", "2026-11-20 14:00", 90),
}
PEOPLE = ["王阿姨", "李大爷", "赵奶奶", "孙叔叔", "周阿姨", "吴大爷", "郑阿姨", "钱奶奶"]
ENROLMENTS = [  # person, course, status, created (local), updated (local)
    (0, "WH-SF-01", "confirmed", "2026-10-20 10:00", "2026-10-20 10:00"),
    (1, "WH-SF-01", "confirmed", "2026-11-01 10:00", "2026-11-01 10:00"),
    (2, "WH-SF-01", "confirmed", "2026-11-02 10:00", "2026-11-02 10:00"),
    (3, "WH-SF-01", "waiting", "2026-11-02 11:00", "2026-11-02 11:00"),
    (4, "WH-SF-01", "cancelled", "2026-11-02 12:00", "2026-11-10 12:00"),
    (0, "TY-TJ-01", "confirmed", "2026-10-01 10:00", "2026-10-01 10:00"),
    (5, "TY-TJ-01", "confirmed", "2026-11-15 10:00", "2026-11-15 10:00"),
    (1, "YS-WD-01", "confirmed", "2026-10-28 10:00", "2026-10-28 10:00"),
    (2, "YS-WD-01", "confirmed", "2026-10-28 11:00", "2026-10-28 11:00"),
    (6, "YS-WD-01", "confirmed", "2026-11-04 10:00", "2026-11-04 10:00"),
    (7, "YS-WD-01", "confirmed", "2026-11-04 11:00", "2026-11-04 11:00"),
    (0, "YS-WD-01", "cancelled", "2026-10-20 10:00", "2026-10-25 10:00"),
    (7, "YS-HC-01", "confirmed", "2026-10-10 10:00", "2026-10-10 10:00"),
    (5, "YS-HC-01", "waiting", "2026-11-25 10:00", "2026-11-25 10:00"),
]
# Person 4 held a seat in 书法 from 11-02 until cancelling on 11-10 12:00: sf1 and sf2 still count them.
LEAVES = [(0, "sf2"), (1, "sf2"), (2, "wd1"), (4, "sf1"), (5, "tj1")]
RATINGS = [  # person, session, grade, teacher on the day
    (0, "sf1", "优", "林老师"), (1, "sf1", "良", "林老师"), (2, "sf1", "中", "林老师"),
    (2, "sf2", "优", "林老师"), (0, "tj0", "差", "赵老师"), (5, "tj0", "优", "赵老师"),
    (1, "wd1", "良", "王老师"), (7, "hc0", "优", "周老师"),
]
SERVICES = {"S1": "送戏下乡", "S2": "公益电影"}
ORDERS = [  # number, service, community, place, audience, headcount, contact, phone, status, created
    ("D20261103-0001", "S1", "幸福社区", "幸福广场", 100, 120, "王阿姨", "13812345678", "done",
     "2026-11-03 10:00"),
    ("D20261110-0001", "S2", "和平社区", "文化站二楼", 50, None, "李先生", "139 8765 4321", "ordered",
     "2026-11-10 09:00"),
    ("D20261115-0001", "S2", "光明社区", "光明广场（找刘主任 13911112222）", 80, 80, "刘主任", "13700001111",
     "rated", "2026-11-15 15:00"),
    ("D20261116-0001", "S1", "光明社区", "村委会", 60, None, "陈书记", "13600002222", "declined",
     "2026-11-16 15:00"),
    ("D20261020-0001", "S1", "幸福社区", "幸福广场", 90, 90, "王阿姨", "13812345678", "done", "2026-10-20 10:00"),
    ("D20261201-0001", "S2", "和平社区", "文化站", 40, None, "李先生", "13987654321", "ordered",
     "2026-12-01 07:00"),
]
ROOMS = {"R1": ("V1", "多功能厅"), "R2": ("V2", "排练室")}
BOOKINGS = [  # room, local start, status, headcount
    ("R1", "2026-11-04 14:00", "checked_in", 8), ("R1", "2026-11-05 14:00", "no_show", 2),
    ("R1", "2026-11-06 14:00", "cancelled", 4), ("R1", "2026-11-28 14:00", "booked", 3),
    ("R2", "2026-11-08 10:00", "checked_in", 5), ("R2", "2026-11-09 10:00", "checked_in", 12),
    ("R2", "2026-10-31 20:00", "checked_in", 6),
]
VOLUNTEERS = {5: ("张志愿", "和平社区")}
POINTS = [  # person, minutes, points, source, local time
    (5, 120, 2, "order:1", "2026-11-05 20:00"), (5, 90, 2, "session:5", "2026-11-20 20:00"),
    (5, 0, -3, "redeem:1", "2026-11-25 09:00"), (6, 0, 5, "manual", "2026-11-10 09:00"),
    (7, 60, 1, "order:2", "2026-10-30 09:00"),
]


@pytest.fixture
def month_of_activity(db):
    """The data above, in the store."""
    ids: dict[str, int] = {}
    with db.session() as s:
        people = []
        for name in PEOPLE:
            person = Resident(display_name=name)
            s.add(person)
            s.flush()
            people.append(person.id)
        for name, (section, order) in CATEGORIES.items():
            s.add(Category(section=section, name=name, sort_order=order))
        for code, (name, community) in VENUES.items():
            s.add(Venue(code=code, name=name, community=community, phone="0571-87654321"))
        s.flush()
        cats = {c.name: c.id for c in s.exec(select(Category))}
        venues = {v.code: v.id for v in s.exec(select(Venue))}
        for code, (title, category, teacher, venue) in COURSES.items():
            s.add(Course(code=code, title=title, section=CATEGORIES[category][0], category_id=cats[category],
                         teacher=teacher, venue_id=venues[venue]))
        s.flush()
        courses = {c.code: c.id for c in s.exec(select(Course))}
        for key, (course, start, minutes) in SESSIONS.items():
            cls = ClassSession(course_id=courses[course], starts_at=utc(start),
                               ends_at=utc(start) + timedelta(minutes=minutes))
            s.add(cls)
            s.flush()
            ids[key] = cls.id
        for person, course, status, created, updated in ENROLMENTS:
            s.add(Enrolment(course_id=courses[course], resident_id=people[person], status=status,
                            created_at=utc(created), updated_at=utc(updated),
                            confirmed_at=utc(created) if status != "waiting" else None,
                            cancelled_at=utc(updated) if status == "cancelled" else None))
        for person, key in LEAVES:
            s.add(SessionLeave(session_id=ids[key], resident_id=people[person]))
        for person, key, grade, teacher in RATINGS:
            course = courses[SESSIONS[key][0]]
            s.add(Rating(session_id=ids[key], course_id=course, teacher=teacher, resident_id=people[person],
                         grade=grade))
        for code, name in SERVICES.items():
            s.add(ServiceItem(code=code, name=name))
        s.flush()
        services = {i.code: i.id for i in s.exec(select(ServiceItem))}
        for number, service, community, place, audience, headcount, contact, phone, status, created in ORDERS:
            s.add(ServiceOrder(number=number, service_id=services[service], community=community, place=place,
                               audience=audience, headcount=headcount, contact_name=contact,
                               contact_phone=phone,
                               status=status, ordered_by=people[0], created_at=utc(created)))
        for code, (venue, name) in ROOMS.items():
            s.add(Room(venue_id=venues[venue], code=code, name=name))
        s.flush()
        rooms = {r.code: r.id for r in s.exec(select(Room))}
        for n, (room, start, status, headcount) in enumerate(BOOKINGS):
            s.add(Booking(room_id=rooms[room], resident_id=people[n % 8], starts_at=utc(start),
                          ends_at=utc(start) + timedelta(hours=1), status=status, headcount=headcount,
                          check_in_code=f"C{n:05d}"))
        for person, (name, community) in VOLUNTEERS.items():
            s.add(Volunteer(resident_id=people[person], name=name, community=community, status="active"))
        for person, minutes, points, source, when in POINTS:
            s.add(PointEntry(resident_id=people[person], minutes=minutes, points=points, source=source,
                             created_at=utc(when)))
    return db


# -- what the sheets must say, worked out from the data above ------------------------------------

def held() -> list[tuple[str, str, int, int]]:
    """(session key, course code, enrolled at its start, on leave) of sessions in November, in time order."""
    out = []
    for key, (course, start, minutes) in sorted(SESSIONS.items(), key=lambda kv: utc(kv[1][1])):
        if not in_november(start):
            continue
        enrolled = {p for p, c, status, created, updated in ENROLMENTS
                    if c == course and status != "waiting" and utc(created) <= utc(start)
                    and (status != "cancelled" or utc(updated) > utc(start))}
        away = {p for p, k in LEAVES if k == key} & enrolled
        out.append((key, course, len(enrolled), len(away)))
    return out


def grouped(key_of) -> dict:
    out: dict = {}
    for _, course, enrolled, away in held():
        row = out.setdefault(key_of(course), [0, 0])
        row[0] += 1
        row[1] += enrolled - away
    return out


def with_total(rows: list[list], first_number: int) -> list[list]:
    if not rows:
        return rows
    total = ["合计"] + [None] * (first_number - 1)
    total += [sum(r[i] for r in rows) for i in range(first_number, len(rows[0]))]
    return rows + [total]


def share(counts: dict) -> float:
    total = sum(counts.values())
    return round((counts["优"] + counts["良"]) / total, 9)


def sheet(book, name: str) -> list[list]:
    """The cells of a sheet; shares to nine places (Excel keeps fifteen significant digits)."""
    return [[round(v, 9) if isinstance(v, float) else v for v in row]
            for row in book[name].iter_rows(values_only=True)]


def blank(rows: list[list]) -> list[list]:
    """'' and None are both an empty cell in Excel."""
    return [[None if v == "" else v for v in row] for row in rows]


def test_the_workbook_cell_by_cell(month_of_activity, tmp_path):
    out = tmp_path / "2026-11.xlsx"
    with month_of_activity.session() as s:
        report = monthly_report(s, NOVEMBER, NOW, TZ, out)
    assert report.workbook == out
    book = load_workbook(out)
    assert book.sheetnames == ["总览", "场次人次-按类别", "场次人次-按板块", "场次人次-按教学点", "场次人次-按社区",
                               "课程出勤", "报名与候补", "服务点单", "点单明细", "场馆预约", "满意度-按课程",
                               "满意度-按讲师", "志愿服务", "场馆开放达标"]

    sections = ("文化", "体育", "艺术")
    by_cat = grouped(lambda c: COURSES[c][1])
    cat_order = sorted(by_cat, key=lambda n: (sections.index(CATEGORIES[n][0]), CATEGORIES[n][1], n))
    assert [r[1] for r in sheet(book, "场次人次-按类别")[1:-1]] == ["书法", "太极", "舞蹈", "合唱"]
    assert sheet(book, "场次人次-按类别") == [["板块", "类别", "场次", "人次"]] + with_total(
        [[CATEGORIES[n][0], n, *by_cat[n]] for n in cat_order], 2)
    by_sec = grouped(lambda c: CATEGORIES[COURSES[c][1]][0])
    assert sheet(book, "场次人次-按板块") == [["板块", "场次", "人次"]] + with_total(
        [[n, *by_sec[n]] for n in sections if n in by_sec], 1)
    by_venue = grouped(lambda c: VENUES[COURSES[c][3]])
    assert sheet(book, "场次人次-按教学点") == [["教学点", "社区", "场次", "人次"]] + with_total(
        [[name, community, *by_venue[(name, community)]]
         for name, community in sorted(by_venue, key=lambda v: (v[1], v[0]))], 2)
    by_comm = grouped(lambda c: VENUES[COURSES[c][3]][1])
    assert sheet(book, "场次人次-按社区") == [["社区", "场次", "人次"]] + with_total(
        [[n, *by_comm[n]] for n in sorted(by_comm)], 1)
    # The numbers themselves, spelled out once: 书法 4 sessions, 3+2+3+3 visits; 9 sessions, 21 visits.
    assert sheet(book, "场次人次-按类别")[1] == ["文化", "书法", 4, 11]
    assert sheet(book, "场次人次-按类别")[-1] == ["合计", None, 9, 21]

    attendance = []
    for key, course, enrolled, away in held():
        _, start, minutes = SESSIONS[key]
        title, category, teacher, venue = COURSES[course]
        end = (datetime.strptime(start, "%Y-%m-%d %H:%M") + timedelta(minutes=minutes)).strftime("%H:%M")
        attendance.append([start[:10], f"{start[11:]}–{end}", course, title, category, teacher,
                           *VENUES[venue], "报名",
                           enrolled, away, enrolled - away])
    assert sheet(book, "课程出勤") == [["日期", "时间", "课程编号", "课程", "类别", "讲师", "教学点", "社区",
                                      "人次依据", "开课时已报名", "请假", "人次"]] + with_total(attendance, 9)

    signups = []
    for code in sorted(COURSES):
        mine = [e for e in ENROLMENTS if e[1] == code]
        title, category, teacher, _ = COURSES[code]
        signups.append([code, title, category, teacher,
                        sum(1 for e in mine if in_november(e[3])),
                        sum(1 for e in mine if e[2] == "cancelled" and in_november(e[4])),
                        sum(1 for e in mine if e[2] == "confirmed"),
                        sum(1 for e in mine if e[2] == "waiting"), 0])
    assert sheet(book, "报名与候补") == [["课程编号", "课程", "类别", "讲师", "本月新报名", "本月取消", "当前已报名",
                                       "当前候补", "其中代办"]] + with_total(signups, 4)

    november_orders = [o for o in ORDERS if in_november(o[9])]
    labels = {"ordered": "已点单", "dispatched": "已派单", "declined": "已婉拒", "accepted": "已接单",
              "done": "已完成", "rated": "已评价"}
    assert sheet(book, "服务点单") == [["状态", "单数", "服务人次"]] + with_total(
        [[label, sum(1 for o in november_orders if o[8] == status),
          sum(o[5] or 0 for o in november_orders if o[8] == status)] for status, label in labels.items()], 1)
    details = sheet(book, "点单明细")
    assert details[0] == ["单号", "服务", "社区", "地点", "预计人数", "实际人数", "联系人", "联系电话", "状态", "下单时间"]
    assert [row[0] for row in details[1:]] == [o[0] for o in november_orders]
    assert details[1] == ["D20261103-0001", "送戏下乡", "幸福社区", "幸福广场", 100, 120, "王阿姨", "138****5678",
                          "已完成", "2026-11-03 10:00"]
    assert details[2][5] is None and details[2][7] == "139****4321"
    assert details[3][3] == "光明广场（找刘主任 139****2222）"  # a number typed into free text too

    rooms: dict = {}
    for room, start, status, headcount in BOOKINGS:
        if in_november(start):
            rooms.setdefault(ROOMS[room], []).append((status, headcount))
    booking_rows = []
    for venue_code, room_name in sorted(rooms, key=lambda r: (VENUES[r[0]][0], r[1])):
        got = rooms[(venue_code, room_name)]
        count = {s: sum(1 for x, _ in got if x == s)
                 for s in ("booked", "checked_in", "no_show", "cancelled")}
        booking_rows.append([VENUES[venue_code][0], room_name, len(got) - count["cancelled"],
                             count["checked_in"],
                             count["no_show"], count["booked"], count["cancelled"],
                             sum(h for x, h in got if x == "checked_in")])
    assert sheet(book, "场馆预约") == [["场馆", "房间", "预约", "已签到", "爽约", "待签到", "已取消", "到场人次"]] \
        + with_total(booking_rows, 2)

    rated = [r for r in RATINGS if in_november(SESSIONS[r[1]][1])]
    course_rows = []
    for code in sorted({SESSIONS[r[1]][0] for r in rated}):
        counts = {g: sum(1 for r in rated if SESSIONS[r[1]][0] == code and r[2] == g) for g in GRADES}
        course_rows.append([code, COURSES[code][0], COURSES[code][2], *counts.values(), sum(counts.values()),
                            share(counts)])
    every = {g: sum(1 for r in rated if r[2] == g) for g in GRADES}
    assert sheet(book, "满意度-按课程") == [["课程编号", "课程", "讲师", *GRADES, "合计", "优良率"]] + course_rows + [
        ["合计", None, None, *every.values(), sum(every.values()), share(every)]]
    teacher_rows = []
    for teacher in sorted({r[3] for r in rated}):
        counts = {g: sum(1 for r in rated if r[3] == teacher and r[2] == g) for g in GRADES}
        teacher_rows.append([teacher, *counts.values(), sum(counts.values()), share(counts)])
    assert sheet(book, "满意度-按讲师") == [["讲师", *GRADES, "合计", "优良率"]] + teacher_rows + [
        ["合计", *every.values(), sum(every.values()), share(every)]]
    assert book["满意度-按课程"]["I2"].number_format == "0.0%"

    volunteer_rows = []
    for person in sorted({p for p, *_, when in POINTS if in_november(when)}):
        mine = [e for e in POINTS if e[0] == person and in_november(e[4])]
        name, community = VOLUNTEERS.get(person, (PEOPLE[person], "（未指定）"))
        minutes = sum(e[1] for e in mine)
        volunteer_rows.append([name, community, round(minutes / 60, 2), sum(1 for e in mine if e[1] > 0),
                               sum(e[2] for e in mine if e[2] > 0)])
    volunteer_rows.sort(key=lambda r: (r[1], r[0]))
    assert sheet(book, "志愿服务") == [["志愿者", "社区", "服务时长（小时）", "服务次数", "获得积分"]] + volunteer_rows + [
        ["合计", None, round(sum(e[1] for e in POINTS if in_november(e[4])) / 60, 2),
         sum(r[3] for r in volunteer_rows), sum(r[4] for r in volunteer_rows)]]
    assert volunteer_rows == [["张志愿", "和平社区", 3.5, 2, 4], ["郑阿姨", "（未指定）", 0, 0, 5]]

    summary = dict(blank(sheet(book, "总览")))
    visits = sum(enrolled - away for _, _, enrolled, away in held())
    assert summary == {
        "月份": "2026年11月", "统计范围": "2026-11-01 00:00 至 2026-12-01 00:00（Asia/Shanghai）",
        "生成时间": "2026-12-01 08:00", "课程场次": len(held()), "课程人次": visits,
        "本月新报名": sum(r[4] for r in signups), "当前候补": sum(r[7] for r in signups), "本月代办报名": 0,
        "服务点单": len(november_orders), "完成送服务": 2, "送服务人次": 200,
        "场馆预约": sum(r[2] for r in booking_rows), "场馆到场人次": 25, "场馆爽约": 1,
        "课程评价": len(rated), "优良率": share(every), "志愿服务时长（小时）": 3.5,
    }


def test_no_phone_number_appears_unmasked(month_of_activity, tmp_path):
    out = tmp_path / "report.xlsx"
    with month_of_activity.session() as s:
        monthly_report(s, NOVEMBER, NOW, TZ, out)
    book = load_workbook(out)
    cells = [c for ws in book for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    raw = [phone for *_, phone, _, _ in ORDERS] + ["13911112222", "87654321"]
    for text in cells:
        digits = re.sub(r"\D", "", text)
        assert not any(re.sub(r"\D", "", phone) in digits for phone in raw), text
        assert not re.search(r"1[3-9]\d{9}", digits), text
    assert "138****5678" in cells


def test_sessions_not_yet_over_do_not_count(month_of_activity):
    mid_month = utc("2026-11-10 10:00")  # sf2 (09:00–10:30) is still running
    with month_of_activity.session() as s:
        data = collect(s, NOVEMBER, mid_month, TZ)
    expected = [k for k, (_, start, minutes) in SESSIONS.items()
                if in_november(start) and utc(start) + timedelta(minutes=minutes) <= mid_month]
    assert len(data.sessions) == len(expected) == 3  # tj0, sf1 and wd1


def test_an_empty_month_still_has_every_sheet(db, tmp_path):
    out = tmp_path / "empty.xlsx"
    with db.session() as s:
        report = monthly_report(s, NOVEMBER, NOW, TZ, out, charts_dir=tmp_path)
    book = load_workbook(out)
    assert len(book.sheetnames) == 14  # no units yet: no sheet per level
    assert sheet(book, "场馆开放达标") == [["场馆编号", "场馆", "类型", "单位", "每周开放（小时）", "最低要求", "周末",
                                         "节假日", "结果", "原因"]]
    assert sheet(book, "志愿服务") == [["志愿者", "社区", "服务时长（小时）", "服务次数", "获得积分"]]
    assert sheet(book, "服务点单") == [["状态", "单数", "服务人次"]]
    assert all(p.exists() for p in report.charts) and len(report.charts) == 2


def test_a_missing_table_gives_an_empty_sheet(month_of_activity, tmp_path, monkeypatch):
    from bot.report import services
    real = services._model
    monkeypatch.setattr(services, "_model",
                        lambda module, name: None if module == "store.models.orders" else real(module, name))
    out = tmp_path / "no-orders.xlsx"
    with month_of_activity.session() as s:
        monthly_report(s, NOVEMBER, NOW, TZ, out)
    book = load_workbook(out)
    assert sheet(book, "服务点单") == [["状态", "单数", "服务人次"]]
    assert len(sheet(book, "点单明细")) == 1 and len(sheet(book, "场馆预约")) > 1


def test_months_are_local():
    assert NOVEMBER.start == datetime(2026, 10, 31, 16, 0) and NOVEMBER.end == datetime(2026, 11, 30, 16, 0)
    assert parse_month("2026年11月", TZ) == NOVEMBER == parse_month("2026-11", TZ)
    assert parse_month("2026-13", TZ) is None and parse_month("上个月", TZ) is None
    assert previous_month(NOW, TZ) == NOVEMBER
    assert previous_month(utc("2027-01-01 00:00"), TZ).key == "2026-12"
