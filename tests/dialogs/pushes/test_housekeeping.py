"""The periodic round turns bookings nobody came to into no-shows."""
from __future__ import annotations

from datetime import timedelta

from store.inbox import keep_update, mark_done
from store.models import Booking, InboundUpdate
from bot.dialogs.pushes.housekeeping import run_housekeeping
from tests.store.test_bookings_store import NOW, TUESDAY, book, make_residents, make_room, utc


def test_a_round_marks_the_booking_nobody_came_to(sqlite_db, settings):
    room = make_room(sqlite_db)
    (resident,) = make_residents(sqlite_db, 1)
    booked = book(sqlite_db, resident, room, utc(TUESDAY, 10))
    assert run_housekeeping(sqlite_db, settings, NOW)["no_shows"].marked == 0
    done = run_housekeeping(sqlite_db, settings, utc(TUESDAY, 11) + timedelta(minutes=5))
    assert done["no_shows"].marked == 1
    with sqlite_db.session() as s:
        assert s.get(Booking, booked.booking.id).status == "no_show"


def test_a_round_forgets_incoming_updates_handled_longer_ago_than_kept(sqlite_db, settings):
    with sqlite_db.session() as s:
        for key in ("old", "recent", "open"):
            keep_update(s, "telegram", key, {}, NOW, "w1", NOW + timedelta(seconds=30))
        mark_done(s, "telegram", ["old"], NOW)
        mark_done(s, "telegram", ["recent"], NOW + timedelta(hours=23))
    later = NOW + timedelta(hours=settings.inbox.keep_hours, minutes=1)
    assert run_housekeeping(sqlite_db, settings, later)["inbox_pruned"] == 1
    with sqlite_db.session() as s:  # the recent one stays, and so does the one never handled
        assert sorted(s.get(InboundUpdate, ("telegram", k)) is not None for k in ("old", "recent", "open")) \
            == [False, True, True]
