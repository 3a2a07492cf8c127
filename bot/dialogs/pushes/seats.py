"""Pushes a change in sign-ups owes people, written to the outbox in the same transaction."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.messages import Choice, Reply
from bot.dialogs.pushes.plan import (course_push_prefixes, schedule_course_reminders,
                                 session_reminder_prefix)
from store.catalog import next_session, venue_of
from store.models import Course, Enrolment
from store.outbox import drop_pending, enqueue
from store.people import accounts_of


def seat_confirmed(ctx: Context, course: Course, resident_id: int) -> None:
    """A resident now holds a seat: schedule reminders before each session and polls after."""
    schedule_course_reminders(ctx.session, ctx.settings, course, resident_id, ctx.now)


def place_cancelled(ctx: Context, course: Course, resident_id: int) -> None:
    """A resident gave up a place: drop their pending reminders and polls for that course."""
    for prefix in course_push_prefixes(course.id, resident_id):
        drop_pending(ctx.session, prefix)


def leave_taken(ctx: Context, course_id: int, resident_id: int, session_id: int) -> None:
    """A resident skips one session: no more reminders for it (its poll is dropped when sent)."""
    drop_pending(ctx.session, session_reminder_prefix(course_id, resident_id, session_id))


def promoted(ctx: Context, course: Course, enrolment: Enrolment) -> None:
    """Tell the first one waiting that they got the seat."""
    accounts = accounts_of(ctx.session, enrolment.resident_id)
    nxt = next_session(ctx.session, course.id, ctx.now)
    venue = venue_of(ctx.session, course)
    text = ctx.t("promoted", title=course.title,
                 first=format_when(nxt.starts_at, nxt.ends_at, ctx.tz, ctx.lang) if nxt else ctx.t("my_no_next"),
                 venue=venue.name if venue else "—", address=venue.address if venue else "—")
    reply = Reply(text, (Choice(ctx.t("btn_my"), "my"), Choice(ctx.t("btn_menu"), "menu")))
    enqueue(ctx.session, idem_key=f"promoted:enrolment:{enrolment.id}", kind="promotion",
            payload=reply.to_dict(), due_at=ctx.now, resident_id=enrolment.resident_id,
            account_id=accounts[0].id if accounts else None, urgent=True)
    seat_confirmed(ctx, course, enrolment.resident_id)
