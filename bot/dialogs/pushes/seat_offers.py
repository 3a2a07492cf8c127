"""Offers of freed seats: the message with 接受 / 放弃, telling who timed out, and the
housekeeping round that expires overdue offers and offers what is free."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.dialogs.formatting import format_when
from bot.dialogs.pushes.seats import queue_reply, tell_promoted
from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from store.catalog import next_session
from store.db import Database
from store.enrolments import CancelResult, lock_course
from store.models import Course
from store.models.seat_offer import SeatOffer
from store.seat_offers import expire_overdue, offer_course_ids, offer_free_seats

# The buttons the courses feature answers (bot/dialogs/courses/callbacks.py AcceptOffer/DeclineOffer).
ACCEPT, DECLINE = "ofa", "ofd"


def deadline_text(moment: datetime, settings: Settings) -> str:
    """'12月1日 20:00': an offer's deadline in local time."""
    zone = ZoneInfo(settings.general.timezone)
    local = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def tell_offer(session: Session, settings: Settings, course: Course, offer: SeatOffer, now: datetime) -> None:
    """Queue the offer with its deadline and the two answers."""
    lang, tz = settings.general.language, ZoneInfo(settings.general.timezone)
    nxt = next_session(session, course.id, now)
    text = t("seat_offer", lang, title=course.title, seats=offer.seats,
             first=format_when(nxt.starts_at, nxt.ends_at, tz, lang) if nxt else t("my_no_next", lang),
             deadline=deadline_text(offer.expires_at, settings))
    reply = Reply(text, (Choice(t("btn_offer_accept", lang), f"{ACCEPT}:{offer.id}"),
                         Choice(t("btn_offer_decline", lang), f"{DECLINE}:{offer.id}")))
    queue_reply(session, offer.resident_id, f"seat_offer:{offer.id}", "promotion", reply, now, urgent=True)


def offer_seats(session: Session, settings: Settings, course: Course, now: datetime) -> int:
    """Offer what is free in a course to the waiting list and tell them; the caller holds the lock."""
    offers = offer_free_seats(session, course, now, settings.seats.offer_hours)
    for offer in offers:
        tell_offer(session, settings, course, offer, now)
    return len(offers)


def seats_freed(session: Session, settings: Settings, course: Course, result: CancelResult, now: datetime) -> None:
    """After a cancellation: tell everyone promoted, or offer the freed seats (offer courses)."""
    for enrolment in result.promotions:
        tell_promoted(session, settings, course, enrolment, now)
    offer_seats(session, settings, course, now)  # seats of a place or of an offer it held


def _tell_timed_out(session: Session, settings: Settings, course: Course, offer: SeatOffer, now: datetime) -> None:
    lang = settings.general.language
    text = t("offer_timed_out", lang, title=course.title, deadline=deadline_text(offer.expires_at, settings))
    reply = Reply(text, (Choice(t("btn_menu", lang), "menu"),))
    queue_reply(session, offer.resident_id, f"seat_offer_expired:{offer.id}", "promotion", reply, now)


def run_seat_offers(db: Database, settings: Settings, now: datetime) -> int:
    """Expire overdue offers (telling those who let them lapse) and offer free seats to the next;
    safe on several workers at once. The number of offers made."""
    made = 0
    with db.session() as session:
        for offer in expire_overdue(session, now):
            _tell_timed_out(session, settings, session.get(Course, offer.course_id), offer, now)
    with db.session() as session:
        for course_id in offer_course_ids(session):
            made += offer_seats(session, settings, lock_course(session, course_id), now)
    return made
