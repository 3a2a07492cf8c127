"""The periodic round turns bookings nobody came to into no-shows."""
from __future__ import annotations

from datetime import timedelta

from store.models import Booking
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
