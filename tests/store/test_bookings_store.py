"""Booking rooms on SQLite and PostgreSQL: slots, the race for one slot, limits, cancelling, no-shows."""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from sqlmodel import select

from store.booking_slots import day_info, free_slots, opening_slots
from store.bookings import (BookingRules, active_pause, book_slot, booking_by_code, cancel_booking,
                            check_in, mark_no_shows, reminder_key)
from store.models import Booking, BookingPause, OutboxMessage, Resident, Room, RoomClosure, Venue
from store.outbox import enqueue

TZ = "Asia/Shanghai"
# 2026-12-01 00:00 UTC: Tuesday 08:00 in Shanghai.
NOW = datetime(2026, 12, 1, 0, 0)
TUESDAY, WEDNESDAY, SUNDAY = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 6)
HOURS = {"mon": "09:00-12:00", "tue": "09:00-12:00", "wed": "09:00-12:00", "thu": "09:00-12:00",
         "fri": "09:00-12:00", "sat": "09:00-11:00"}


def utc(day: date, hour: int) -> datetime:
    """A Shanghai hour of a day as naive UTC."""
    return datetime(day.year, day.month, day.day, hour) - timedelta(hours=8)


def make_room(db, capacity: int = 8, slot_minutes: int = 60, hours: dict | None = None) -> int:
    with db.session() as s:
        venue = Venue(code="V-T1", name="幸福社区党群服务中心", address="幸福路 12 号", community="幸福社区",
                      kind="community_centre", opening_hours=json.dumps(hours or HOURS))
        s.add(venue)
        s.flush()
        room = Room(venue_id=venue.id, code="HYS", name="会议室", capacity=capacity, slot_minutes=slot_minutes)
        s.add(room)
        s.flush()
        return room.id


def make_residents(db, count: int) -> list[int]:
    with db.session() as s:
        people = [Resident(display_name=f"居民{n}") for n in range(count)]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def book(db, resident_id: int, room_id: int, starts_at: datetime, now: datetime = NOW,
         headcount: int = 3, rules: BookingRules | None = None):
    with db.session() as s:
        return book_slot(s, resident_id, room_id, starts_at, purpose="排练", headcount=headcount,
                         now=now, tz=TZ, rules=rules)


def slots_of(db, room_id: int, day: date, now: datetime = NOW) -> list[int]:
    """Local start hours of the free slots of a day."""
    with db.session() as s:
        room = s.get(Room, room_id)
        return [(slot.starts_at + timedelta(hours=8)).hour for slot in free_slots(s, room, day, now, TZ)]


def test_slots_follow_hours_closures_bookings_and_the_clock(db):
    room_id = make_room(db)
    [resident] = make_residents(db, 1)
    assert slots_of(db, room_id, WEDNESDAY) == [9, 10, 11]
    assert slots_of(db, room_id, SUNDAY) == []                          # not open on Sundays
    assert slots_of(db, room_id, TUESDAY, now=utc(TUESDAY, 10)) == [11]  # 09:00 and 10:00 have begun
    assert book(db, resident, room_id, utc(WEDNESDAY, 10)).status == "booked"
    assert slots_of(db, room_id, WEDNESDAY) == [9, 11]
    with db.session() as s:
        venue_id = s.get(Room, room_id).venue_id
        s.add(RoomClosure(venue_id=venue_id, date=WEDNESDAY, reason="设备检修"))
    assert slots_of(db, room_id, WEDNESDAY) == []
    with db.session() as s:
        room = s.get(Room, room_id)
        closed = day_info(s, room, s.get(Venue, room.venue_id), WEDNESDAY, NOW, TZ)
        assert closed.closed and closed.reason == "设备检修"
        assert len(opening_slots(room, s.get(Venue, room.venue_id), date(2026, 12, 5), TZ)) == 2


def test_two_hour_slots_fit_inside_the_opening_hours(db):
    room_id = make_room(db, slot_minutes=120)
    assert slots_of(db, room_id, WEDNESDAY) == [9]  # 11:00–13:00 would run past closing


def test_many_residents_pressing_at_once_get_one_booking(db):
    room_id = make_room(db)
    residents = make_residents(db, 12)
    barrier = threading.Barrier(len(residents))

    def press(resident_id: int) -> str:
        barrier.wait()
        return book(db, resident_id, room_id, utc(WEDNESDAY, 9)).status

    with ThreadPoolExecutor(max_workers=len(residents)) as pool:
        outcomes = list(pool.map(press, residents))
    assert sorted(outcomes) == ["booked"] + ["taken"] * (len(residents) - 1)
    with db.session() as s:
        live = s.exec(select(Booking).where(Booking.room_id == room_id)).all()
    assert len(live) == 1


def test_one_resident_pressing_in_two_rooms_at_once_keeps_the_weekly_limit(db):
    first = make_room(db)
    with db.session() as s:
        second = Room(venue_id=s.get(Room, first).venue_id, code="HDS", name="活动室", capacity=8)
        s.add(second)
        s.flush()
        second = second.id
    [resident] = make_residents(db, 1)
    rules = BookingRules(weekly_limit=1)
    barrier = threading.Barrier(2)

    def press(room_id: int) -> str:
        barrier.wait()
        return book(db, resident, room_id, utc(WEDNESDAY, 9), rules=rules).status

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(press, (first, second)))
    assert outcomes == ["booked", "limit"]


def test_refusals_change_nothing(db):
    room_id = make_room(db, capacity=4)
    [resident] = make_residents(db, 1)
    assert book(db, resident, room_id, utc(TUESDAY, 7)).status == "past"
    assert book(db, resident, room_id, utc(SUNDAY, 9)).status == "not_open"
    assert book(db, resident, room_id, utc(WEDNESDAY, 9) + timedelta(minutes=30)).status == "not_open"
    assert book(db, resident, room_id, utc(WEDNESDAY, 9), headcount=5).status == "too_many"
    assert book(db, resident, room_id, utc(WEDNESDAY, 9), headcount=0).status == "bad_headcount"
    assert book(db, resident, room_id, utc(date(2026, 12, 9), 9)).status == "too_far"
    with db.session() as s:
        assert s.exec(select(Booking)).all() == []


def test_weekly_limit_counts_the_local_week_of_the_slot(db):
    room_id = make_room(db)
    [resident] = make_residents(db, 1)
    rules = BookingRules(weekly_limit=2)
    assert book(db, resident, room_id, utc(WEDNESDAY, 9), rules=rules).status == "booked"
    assert book(db, resident, room_id, utc(WEDNESDAY, 10), rules=rules).status == "booked"
    assert book(db, resident, room_id, utc(WEDNESDAY, 11), rules=rules).status == "limit"
    # Monday 7 December starts a new week.
    assert book(db, resident, room_id, utc(date(2026, 12, 7), 9), rules=rules).status == "booked"


def test_check_in_codes_are_short_and_distinct(db):
    room_id = make_room(db)
    residents = make_residents(db, 3)
    codes = [book(db, r, room_id, utc(WEDNESDAY, 9 + n)).booking.check_in_code for n, r in enumerate(residents)]
    assert len(set(codes)) == 3 and all(len(c) == 6 and c.isalnum() and c.isupper() for c in codes)


def test_cancel_until_the_deadline_frees_the_slot_and_drops_the_reminder(db):
    room_id = make_room(db)
    residents = make_residents(db, 2)
    booking = book(db, residents[0], room_id, utc(WEDNESDAY, 9)).booking
    with db.session() as s:
        enqueue(s, idem_key=reminder_key(booking.id), kind="booking_reminder",
                payload={"render": "booking_reminder", "booking_id": booking.id},
                due_at=booking.starts_at - timedelta(hours=1), resident_id=residents[0])
    late = booking.starts_at - timedelta(hours=1, minutes=59)
    with db.session() as s:
        assert cancel_booking(s, residents[1], booking.id, NOW).status == "not_found"
        assert cancel_booking(s, residents[0], booking.id, late).status == "too_late"
    on_time = booking.starts_at - timedelta(hours=2)
    with db.session() as s:
        assert cancel_booking(s, residents[0], booking.id, on_time).status == "cancelled"
        assert s.exec(select(OutboxMessage)).all() == []
        assert cancel_booking(s, residents[0], booking.id, on_time).status == "already_cancelled"
    assert book(db, residents[1], room_id, utc(WEDNESDAY, 9)).status == "booked"


def test_check_in_is_open_from_half_an_hour_before_until_the_end(db):
    room_id = make_room(db)
    [resident] = make_residents(db, 1)
    booking = book(db, resident, room_id, utc(WEDNESDAY, 9)).booking
    with db.session() as s:
        found = booking_by_code(s, booking.check_in_code.lower())
        assert found.id == booking.id
        assert check_in(s, booking.id, booking.starts_at - timedelta(minutes=31)).status == "too_early"
        assert check_in(s, booking.id, booking.ends_at).status == "ended"
        assert check_in(s, booking.id, booking.starts_at - timedelta(minutes=30)).status == "checked_in"
        assert check_in(s, booking.id, booking.starts_at).status == "already"
    with db.session() as s:
        assert cancel_booking(s, resident, booking.id, NOW).status == "not_cancellable"


def test_two_no_shows_in_thirty_days_pause_booking_and_tell_why(db):
    room_id = make_room(db)
    residents = make_residents(db, 2)
    first = book(db, residents[0], room_id, utc(TUESDAY, 9)).booking
    second = book(db, residents[0], room_id, utc(WEDNESDAY, 9)).booking
    kept = book(db, residents[1], room_id, utc(WEDNESDAY, 10)).booking
    with db.session() as s:
        check_in(s, kept.id, kept.starts_at)
    after_first = first.ends_at + timedelta(minutes=1)
    report = mark_no_shows(db, after_first)
    assert (report.marked, report.paused) == (1, [])
    after_both = second.ends_at + timedelta(minutes=1)
    report = mark_no_shows(db, after_both)
    assert (report.marked, report.paused) == (1, [residents[0]])
    assert mark_no_shows(db, after_both).marked == 0
    with db.session() as s:
        statuses = {b.id: b.status for b in s.exec(select(Booking))}
        assert statuses == {first.id: "no_show", second.id: "no_show", kept.id: "checked_in"}
        pause = active_pause(s, residents[0], after_both)
        assert pause.until == after_both + timedelta(days=30) and pause.no_shows == 2
        [notice] = s.exec(select(OutboxMessage).where(OutboxMessage.resident_id == residents[0])).all()
        assert json.loads(notice.payload) == {"render": "booking_pause", "pause_id": pause.id}
    refused = book(db, residents[0], room_id, utc(date(2026, 12, 3), 9), now=after_both)
    assert refused.status == "paused" and refused.pause.until == pause.until
    assert book(db, residents[1], room_id, utc(date(2026, 12, 3), 9), now=after_both).status == "booked"
    # After the pause the old no-shows do not pause again at once.
    later = pause.until + timedelta(minutes=1)
    assert book(db, residents[0], room_id, utc(date(2027, 1, 2), 9), now=later).status == "booked"
    with db.session() as s:
        assert active_pause(s, residents[0], later) is None
        assert len(s.exec(select(BookingPause)).all()) == 1


def test_no_shows_further_apart_than_the_window_do_not_pause(db):
    room_id = make_room(db)
    [resident] = make_residents(db, 1)
    first = book(db, resident, room_id, utc(TUESDAY, 9)).booking
    mark_no_shows(db, first.ends_at)
    month_later = NOW + timedelta(days=31)
    second = book(db, resident, room_id, utc(date(2027, 1, 1), 9), now=month_later).booking
    report = mark_no_shows(db, second.ends_at)
    assert report.marked == 1 and report.paused == []
