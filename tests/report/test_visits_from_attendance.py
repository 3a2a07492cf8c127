"""人次 of held sessions comes from the roll where presence was taken, else from the seats held at
each session's start — never from the enrolments of the day the report is made."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.report.monthly import collect, monthly_report
from bot.report.months import month_of
from store.attendance import check_in, ensure_roll, save_roll
from store.enrolments import cancel_enrolment, live_enrolment, lock_course, promote_waiting, take_seat
from store.leaves import take_leave
from store.models import ClassSession, Enrolment, Resident
from store.models.enrolment import CONFIRMED
from tests.support.catalog import add_course

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = month_of(2026, 11, TZ)
REPORT_TIME = datetime(2026, 12, 1, 0, 0)  # 12月1日 08:00 local: November is over


def utc(text: str) -> datetime:
    """A Shanghai local time as naive UTC."""
    local = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def people(db, *names: str) -> list[int]:
    with db.session() as s:
        found = [Resident(display_name=n) for n in names]
        s.add_all(found)
        s.flush()
        return [p.id for p in found]


def sessions_of(db, course_id: int) -> list[int]:
    with db.session() as s:
        return list(s.exec(select(ClassSession.id).where(ClassSession.course_id == course_id)
                           .order_by(ClassSession.starts_at)))


def sign_up(db, person: int, course_id: int, when: str) -> str:
    with db.session() as s:
        return take_seat(s, person, course_id, utc(when)).status


def cancel(db, person: int, course_id: int, when: str) -> None:
    with db.session() as s:
        place = live_enrolment(s, course_id, person)
        assert cancel_enrolment(s, person, place.id, utc(when)).status == "cancelled"


def leave(db, session_id: int, person: int, when: str) -> None:
    with db.session() as s:
        assert take_leave(s, session_id, person, utc(when)).status == "recorded"


def seated_today(db, course_id: int) -> int:
    """How the report counted before: the seats held on the day it is made."""
    with db.session() as s:
        return len(list(s.exec(select(Enrolment.id).where(Enrolment.course_id == course_id,
                                                          Enrolment.status == CONFIRMED))))


@pytest.fixture
def three_by_three(db):
    """书法: 3 residents × 3 sessions, one 请假, one cancels after two sessions; 太极: two residents
    and one waiting, who is promoted after both sessions were held."""
    shufa = add_course(db, "WH-SF-01", "零基础毛笔书法", capacity=3, first_start=utc("2026-11-03 09:00"),
                       sessions=3)
    taiji = add_course(db, "TY-TJ-01", "杨式太极拳", category="太极", section="体育", capacity=2,
                       first_start=utc("2026-11-04 09:00"), sessions=2)
    a, b, c, d, e, f = people(db, "王阿姨", "李大爷", "赵奶奶", "孙叔叔", "周阿姨", "吴大爷")
    s1, s2, s3 = sessions_of(db, shufa.id)
    for person in (a, b, c):
        assert sign_up(db, person, shufa.id, "2026-10-20 10:00") == "confirmed"
    leave(db, s2, b, "2026-11-09 20:00")                  # 李大爷 请假 from the second session
    cancel(db, c, shufa.id, "2026-11-12 10:00")           # 赵奶奶 came twice, then cancelled
    assert sign_up(db, d, taiji.id, "2026-10-20 10:00") == "confirmed"
    assert sign_up(db, e, taiji.id, "2026-10-20 11:00") == "confirmed"
    assert sign_up(db, f, taiji.id, "2026-10-21 10:00") == "waiting"
    cancel(db, e, taiji.id, "2026-11-20 10:00")           # after both 太极 sessions: 吴大爷 promoted
    return db, shufa, taiji


def test_the_three_by_three_scenario_counts_seven_and_eleven(three_by_three, tmp_path):
    db, shufa, taiji = three_by_three
    # Counted from today's places the figures were 5 (书法) and 9 (总览); that was wrong.
    assert seated_today(db, shufa.id) * 3 - 1 == 5
    assert seated_today(db, shufa.id) * 3 - 1 + seated_today(db, taiji.id) * 2 == 9
    out = tmp_path / "2026-11.xlsx"
    with db.session() as s:
        report = monthly_report(s, NOVEMBER, REPORT_TIME, TZ, out)
    by_course: dict[str, list[int]] = {}
    for held in report.data.sessions:
        by_course.setdefault(held.course_code, []).append(held.visits)
    assert by_course == {"WH-SF-01": [3, 2, 2], "TY-TJ-01": [2, 2]}
    assert sum(by_course["WH-SF-01"]) == 7
    assert report.data.visits == 11
    summary = {row[0].value: row[1].value for row in load_workbook(out)["总览"].iter_rows()}
    assert summary["课程场次"] == 5 and summary["课程人次"] == 11


def test_a_roll_counts_who_was_there(three_by_three):
    db, shufa, _ = three_by_three
    a, b = (live_enrolment_of(db, shufa.id)[i] for i in (0, 1))
    s1, s2, s3 = sessions_of(db, shufa.id)
    with db.session() as s:
        save_roll(s, s1, {a}, by=a, now=utc("2026-11-03 09:10"))   # only 王阿姨 came to the first
        roll = ensure_roll(s, s3, utc("2026-11-17 08:50"))
        assert check_in(s, roll.code, b, utc("2026-11-17 08:55"), timedelta(minutes=30),
                        timedelta(minutes=30)).status == "checked_in"
    with db.session() as s:
        visits = [h.visits for h in collect(s, NOVEMBER, REPORT_TIME, TZ).sessions if h.course_code == "WH-SF-01"]
    # The first: the roll says 1. The second: no roll, seats at its start less leave, 2.
    # The third: one check-in is the roll, 1.
    assert visits == [1, 2, 1]


def live_enrolment_of(db, course_id: int) -> list[int]:
    with db.session() as s:
        return list(s.exec(select(Enrolment.resident_id).where(Enrolment.course_id == course_id,
                                                               Enrolment.status == CONFIRMED)
                           .order_by(Enrolment.queue_no)))


def test_a_promoted_waitlister_is_not_counted_before_they_joined(db):
    course = add_course(db, "YS-HC-01", "合唱团", capacity=1, first_start=utc("2026-11-05 14:00"), sessions=2)
    first, waiting = people(db, "郑阿姨", "钱奶奶")
    assert sign_up(db, first, course.id, "2026-10-20 10:00") == "confirmed"
    assert sign_up(db, waiting, course.id, "2026-10-21 10:00") == "waiting"
    with db.session() as s:  # a bigger room after the first session: the seat goes to the one waiting
        found = lock_course(s, course.id)
        found.capacity = 2
        assert promote_waiting(s, found, utc("2026-11-08 10:00")).resident_id == waiting
    with db.session() as s:
        held = [(h.enrolled, h.visits) for h in collect(s, NOVEMBER, REPORT_TIME, TZ).sessions]
    assert held == [(1, 1), (2, 2)]
