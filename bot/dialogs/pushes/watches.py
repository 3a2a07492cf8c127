"""有新课/有名额时提醒我: the pushes a new course or a freed seat owes those watching, written in
the transaction that published the course or freed the seat, and rendered when sent."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.dialogs.formatting import format_when
from bot.dialogs.links import WatchCategory, course_link, sign_up_link
from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from store.catalog import next_session, venue_of
from store.catalog_import import ImportReport
from store.enrolments import live_enrolment, seats_left
from store.models import Category, Course, OutboxMessage, Watch
from store.models.watch import FREE_SEAT, NEW_COURSE
from store.outbox import enqueue
from store.watches import category_watches, claim_seat_watches, rearm_seat_watch, seat_watch_course_ids

NEW, SEAT = "watch_new", "watch_seat"
RENDERS = (NEW, SEAT)


def seat_freed(session: Session, course: Course, now: datetime) -> int:
    """A place was given up: if a seat is free now, tell everyone watching the course, once each
    (a watch is claimed by one transaction only); returns how many were told."""
    if not course.active or seats_left(session, course) == 0:
        return 0
    told = 0
    for watch_id, resident_id, round_no in claim_seat_watches(session, course.id, now):
        told += enqueue(session, idem_key=f"watch:seat:{watch_id}:{round_no}", kind=SEAT,
                        payload={"render": SEAT, "watch_id": watch_id, "course_id": course.id, "round": round_no},
                        due_at=now, resident_id=resident_id)
    return told


def catalogue_published(session: Session, report: ImportReport, now: datetime) -> None:
    """After an import: new courses told to those watching their category, and seats the import
    freed (more capacity) told to those watching a full course."""
    for course_id in report.created_course_ids:
        course = session.get(Course, course_id)
        if course is None or not course.active:
            continue
        for watch in category_watches(session, course.category_id):
            enqueue(session, idem_key=f"watch:new:{watch.id}:course:{course.id}", kind=NEW,
                    payload={"render": NEW, "watch_id": watch.id, "course_id": course.id},
                    due_at=now, resident_id=watch.resident_id)
    for course_id in seat_watch_course_ids(session):
        course = session.get(Course, course_id)
        if course is not None:
            seat_freed(session, course, now)


def _first(session: Session, settings: Settings, course: Course, now: datetime) -> str:
    lang, nxt = settings.general.language, next_session(session, course.id, now)
    if nxt is None:
        return t("my_no_next", lang)
    return format_when(nxt.starts_at, nxt.ends_at, ZoneInfo(settings.general.timezone), lang)


def render_watch_push(session: Session, settings: Settings, message: OutboxMessage, now: datetime,
                      payload: dict) -> Reply | None:
    """The news a watch row stands for now; None when the watch was stopped, the course is gone,
    or the seat was taken again meanwhile (then the watch waits for the next one)."""
    lang = settings.general.language
    watch_id, course_id = payload.get("watch_id"), payload.get("course_id")
    watch = session.get(Watch, watch_id) if isinstance(watch_id, int) else None
    course = session.get(Course, course_id) if isinstance(course_id, int) else None
    if (watch is None or watch.resident_id != message.resident_id or course is None or not course.active
            or next_session(session, course.id, now) is None):
        return None
    menu = Choice(t("btn_menu", lang), "menu")
    view = Choice(t("btn_view_course", lang), course_link(course.code))
    if payload.get("render") == NEW and watch.kind == NEW_COURSE and watch.target_id == course.category_id:
        category = session.get(Category, course.category_id)
        venue = venue_of(session, course)
        text = t("watch_new_course", lang, category=category.name if category else "—", title=course.title,
                 first=_first(session, settings, course, now), venue=venue.name if venue else "—")
        stop = Choice(t("btn_watch_stop", lang), WatchCategory(watch.target_id, 1).pack())
        return Reply(text, (view, stop, menu))
    if payload.get("render") == SEAT and watch.kind == FREE_SEAT:
        if watch.round != payload.get("round"):
            return None  # stopped (or started again) since
        if live_enrolment(session, course.id, watch.resident_id) is not None:
            return None
        left = seats_left(session, course)
        if left == 0:
            rearm_seat_watch(session, watch.id, now)
            return None
        text = t("watch_seat_free", lang, title=course.title, left=left,
                 first=_first(session, settings, course, now))
        return Reply(text, (Choice(t("btn_sign_up", lang), sign_up_link(course.code)), view, menu))
    return None
