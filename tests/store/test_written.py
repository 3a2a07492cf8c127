"""A constant a partial index compares is written into the statement, and the suite's watch on
SQLite statements finds one that is bound instead."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select

from store.clock import utcnow
from store.models import Enrolment, Resident, SeatOffer
from store.models.enrolment import CANCELLED
from store.models.seat_offer import EXPIRED, OPEN
from store.written import written
from tests.support.catalog import add_course
from tests.support.partial_indexes import bound_comparisons, from_the_service, offending, watch


def test_the_constant_is_quoted_sql_text_on_both_databases():
    statement = select(SeatOffer.id).where(SeatOffer.status == written(OPEN), SeatOffer.course_id == 3)
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        sql = str(statement.compile(dialect=dialect))
        assert "seat_offer.status = 'open'" in sql
    assert str(written("it's").compile()) == "'it''s'"


def test_every_partial_index_comparing_a_constant_is_watched():
    assert set(bound_comparisons()) == {
        "uq_seat_offer_open: status =", "uq_booking_code_live: status =", "uq_booking_room_start: status !=",
        "uq_enrolment_live: status !=", "uq_point_entry_source: source <>"}


def test_a_bound_comparison_is_found_and_a_written_one_is_not():
    bound = str(select(SeatOffer.id).where(SeatOffer.status == OPEN).compile(dialect=sqlite.dialect()))
    kept = str(select(SeatOffer.id).where(SeatOffer.status == written(OPEN)).compile(dialect=sqlite.dialect()))
    other_op = str(select(Enrolment.id).where(Enrolment.status == CANCELLED).compile(dialect=sqlite.dialect()))
    assert offending(bound) == ["uq_seat_offer_open: status ="]
    assert offending(kept) == []
    assert offending(other_op) == []  # an index on status != 'cancelled' is not asked about status = ?


def test_written_and_bound_find_the_same_rows(db):
    course = add_course(db, "W-1", "书法", capacity=5, first_start=utcnow() + timedelta(days=2))
    with db.session() as s:
        people = [Resident(display_name=f"居民{i}") for i in range(3)]
        s.add_all(people)
        s.flush()
        for i, who in enumerate(people):
            s.add(Enrolment(course_id=course.id, resident_id=who.id, status="waiting", queue_no=i + 1))
        s.flush()
        enrolments = s.exec(select(Enrolment).order_by(Enrolment.id)).all()
        s.add(SeatOffer(course_id=course.id, enrolment_id=enrolments[0].id, resident_id=people[0].id, seats=1,
                        status=OPEN, expires_at=utcnow() + timedelta(hours=1)))
        s.add(SeatOffer(course_id=course.id, enrolment_id=enrolments[1].id, resident_id=people[1].id, seats=2,
                        status=EXPIRED, expires_at=utcnow()))
        s.commit()
    with db.session() as s:
        total = select(func.sum(SeatOffer.seats)).where(SeatOffer.course_id == course.id)
        assert s.exec(total.where(SeatOffer.status == written(OPEN))).one() == 1
        assert s.exec(total.where(SeatOffer.status == OPEN)).one() == 1
        live = select(func.count()).select_from(Enrolment).where(Enrolment.status != written(CANCELLED))
        assert s.exec(live).one() == 3


def test_the_watch_records_a_bound_comparison_the_service_makes(sqlite_db):
    seen = watch(sqlite_db.engine, counts=lambda: True)  # as if this test were the service
    with sqlite_db.session() as s:
        s.exec(select(SeatOffer).where(SeatOffer.status == OPEN)).all()
        s.exec(select(SeatOffer).where(SeatOffer.status == written(OPEN))).all()
    assert seen == ["SELECT seat_offer.id, seat_offer.course_id, seat_offer.enrolment_id, seat_offer.resident_id, "
                    "seat_offer.seats, seat_offer.status, seat_offer.expires_at, seat_offer.created_at, "
                    "seat_offer.answered_at FROM seat_offer WHERE seat_offer.status = ?"]


def test_the_watch_tells_the_services_statements_from_a_tests_own(sqlite_db):
    from store.seat_offers import open_offer_of
    verdicts: list[tuple[str, bool]] = []

    def judge(conn, cursor, statement, parameters, context, executemany):
        verdicts.append((statement.split()[0], from_the_service()))
    event.listen(sqlite_db.engine, "before_cursor_execute", judge)
    with sqlite_db.session() as s:
        s.exec(select(SeatOffer).where(SeatOffer.status == OPEN)).all()  # this test's own query
        assert open_offer_of(s, 1) is None  # the service's
    assert [v for v in verdicts if v[0] == "SELECT"] == [("SELECT", False), ("SELECT", True)]
