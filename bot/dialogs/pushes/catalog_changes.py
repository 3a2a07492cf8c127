"""What a catalogue import owes residents, written in the import's own transaction: reminders
re-planned for sessions added or moved and dropped for sessions gone, the people enrolled told of
a moved or cancelled session, and free seats handed to those waiting."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.dialogs.formatting import format_when
from bot.dialogs.pushes.seats import queue_reply, tell_promoted
from bot.dialogs.pushes.plan import poll_key, reschedule_course, session_reminder_prefix
from bot.dialogs.pushes.watches import catalogue_published
from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from store.catalog import venue_of
from store.catalog_import import ImportReport
from store.catalog_sessions import ADDED, MOVED, SessionChange
from store.enrolments import confirmed_residents, lock_course, promote_waiting
from store.models import Course
from store.outbox import drop_pending, drop_pending_key


def apply_catalog_changes(session: Session, settings: Settings, report: ImportReport, now: datetime,
                          announce_added: bool = False) -> None:
    """Everything the import's changes owe residents; runs inside the import's transaction. A session
    added is announced only when asked (a make-up session); an import's new dates speak for themselves."""
    for change in report.session_changes:
        if change.kind != ADDED or announce_added:
            _tell_enrolled(session, settings, change, now)
    for course_id in report.replan_course_ids:
        course = lock_course(session, course_id)  # as the planner reads a course's sessions and seats
        if course.reminders_on:
            reschedule_course(session, settings, course, now)
        else:
            drop_pending(session, f"reminder:course:{course.id}:")
    for course_id in report.promotable_course_ids:
        course = lock_course(session, course_id)
        while (enrolment := promote_waiting(session, course, now)) is not None:
            tell_promoted(session, settings, course, enrolment, now)
            report.promoted += 1
    catalogue_published(session, report, now)


def _tell_enrolled(session: Session, settings: Settings, change: SessionChange, now: datetime) -> None:
    """Drop what was planned for a moved or cancelled session and tell everyone holding a seat."""
    course = lock_course(session, change.course_id)  # rows the planner wrote for it are seen and dropped
    reply = _notice(session, settings, course, change)
    stamp = f"{change.starts_at:%Y%m%d%H%M}-{change.ends_at:%H%M}"
    for resident_id in confirmed_residents(session, course.id):
        drop_pending(session, session_reminder_prefix(course.id, resident_id, change.session_id))
        drop_pending_key(session, poll_key(course.id, resident_id, change.session_id))
        key = f"schedule:session:{change.session_id}:{change.kind}:{stamp}:resident:{resident_id}"
        queue_reply(session, resident_id, key, "schedule_change", reply, now)


def _notice(session: Session, settings: Settings, course: Course, change: SessionChange) -> Reply:
    lang, tz = settings.general.language, ZoneInfo(settings.general.timezone)
    venue = venue_of(session, course)
    when = format_when(change.starts_at, change.ends_at, tz, lang)
    if change.kind == MOVED:
        old = format_when(change.old_starts_at, change.old_ends_at, tz, lang)
        text = t("session_moved", lang, title=course.title, old=old, new=when,
                 venue=venue.name if venue else "—")
    elif change.kind == ADDED:
        text = t("session_added", lang, title=course.title, when=when, venue=venue.name if venue else "—")
    else:
        text = t("session_cancelled", lang, title=course.title, when=when)
    return Reply(text, (Choice(t("btn_my", lang), "my"), Choice(t("btn_menu", lang), "menu")))
