"""Pushes a change in sign-ups owes people, written to the outbox in the same transaction."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.dialogs.pushes.plan import (READ_IT, course_push_prefixes, schedule_course_reminders,
                                    session_reminder_prefix)
from bot.dialogs.pushes.watches import seat_freed
from bot.messages import Choice, Reply
from bot.settings import Settings
from bot.texts import t
from store.catalog import SessionTimes, next_session, venue_of
from store.models import Course, Enrolment
from store.outbox import drop_pending, enqueue
from store.people import accounts_of


def queue_reply(session: Session, resident_id: int, idem_key: str, kind: str, reply: Reply, now: datetime,
                urgent: bool = False) -> bool:
    """Queue a ready reply for a resident, once per key; True when queued now."""
    accounts = accounts_of(session, resident_id)
    return enqueue(session, idem_key=idem_key, kind=kind, payload=reply.to_dict(), due_at=now,
                   resident_id=resident_id, account_id=accounts[0].id if accounts else None, urgent=urgent)


def seat_confirmed(ctx: Context, course: Course, resident_id: int, sessions: list[SessionTimes] | None = None,
                   new_place: bool = False, planned: datetime | None | object = READ_IT) -> None:
    """A resident now holds a seat: write the reminders and polls the plan has passed (with the
    course's sessions and the plan's reach when the caller has them; a new place has its reminders on)."""
    schedule_course_reminders(ctx.session, ctx.settings, course, resident_id, ctx.now, sessions,
                              reminders_on=True if new_place else None, planned=planned)


def place_cancelled(ctx: Context, course: Course, resident_id: int) -> None:
    """A resident gave up a place: drop their pending reminders and polls for that course, and
    tell those waiting for a seat when one is free now (nobody was waiting in line for it)."""
    for prefix in course_push_prefixes(course.id, resident_id):
        drop_pending(ctx.session, prefix)
    seat_freed(ctx.session, course, ctx.now)


def leave_taken(ctx: Context, course_id: int, resident_id: int, session_id: int) -> None:
    """A resident skips one session: no more reminders for it (its poll is dropped when sent)."""
    drop_pending(ctx.session, session_reminder_prefix(course_id, resident_id, session_id))


def promoted(ctx: Context, course: Course, enrolment: Enrolment) -> None:
    """Tell the first one waiting that they got the seat."""
    tell_promoted(ctx.session, ctx.settings, course, enrolment, ctx.now)


def tell_promoted(session: Session, settings: Settings, course: Course, enrolment: Enrolment,
                  now: datetime) -> None:
    """Queue 'you got the seat' for a promoted resident and plan their reminders and polls."""
    lang, tz = settings.general.language, ZoneInfo(settings.general.timezone)
    nxt = next_session(session, course.id, now)
    venue = venue_of(session, course)
    text = t("promoted", lang, title=course.title,
             first=format_when(nxt.starts_at, nxt.ends_at, tz, lang) if nxt else t("my_no_next", lang),
             venue=venue.name if venue else "—", address=venue.address if venue else "—")
    reply = Reply(text, (Choice(t("btn_my", lang), "my"), Choice(t("btn_menu", lang), "menu")))
    queue_reply(session, enrolment.resident_id, f"promoted:enrolment:{enrolment.id}", "promotion", reply, now,
                urgent=True)
    schedule_course_reminders(session, settings, course, enrolment.resident_id, now)
