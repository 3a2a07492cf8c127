"""请假 from a reminder: skip one session, keep the place in the course."""
from __future__ import annotations

from sqlmodel import select

from bot.dialogs.acting import acted
from bot.dialogs.context import Context
from bot.dialogs.courses.callbacks import Leave, MySignups
from bot.dialogs.formatting import format_when
from bot.dialogs.menus import menu_button
from bot.dialogs.pushes.seats import leave_taken
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from store.leaves import take_leave
from store.models import ClassSession, Course, SessionLeave

router = Router("courses.leave")


def _after(ctx: Context) -> tuple[Choice, ...]:
    return Choice(ctx.t("btn_my"), MySignups().pack()), menu_button(ctx)


def _session_and_course(ctx: Context, data: Leave) -> tuple[ClassSession, Course] | None:
    cls = ctx.session.get(ClassSession, data.session)
    course = ctx.session.get(Course, cls.course_id) if cls else None
    return (cls, course) if course else None


@router.payload(Leave, load=Load(_session_and_course,
                                 missing=lambda ctx: Reply(ctx.t("session_missing"), _after(ctx))), on_behalf=True)
def leave(ctx: Context, data: Leave, found: tuple[ClassSession, Course]) -> Reply:
    """Record leave from one session; a second tap says it is already recorded."""
    cls, course = found
    after = _after(ctx)
    result = take_leave(ctx.session, cls.id, ctx.resident_id, ctx.now)
    when = format_when(cls.starts_at, cls.ends_at, ctx.tz, ctx.lang)
    if result.status == "recorded":
        leave_taken(ctx, course.id, ctx.resident_id, cls.id)
        acted(ctx, "leave", f"session:{cls.id}", ctx.t("proxy_what_leave", title=course.title, when=when),
              lambda: ctx.session.exec(select(SessionLeave).where(
                  SessionLeave.session_id == cls.id, SessionLeave.resident_id == ctx.resident_id)).first())
        return Reply(ctx.t("leave_recorded", title=course.title, when=when), after)
    if result.status == "already":
        return Reply(ctx.t("leave_already", title=course.title, when=when), after)
    if result.status == "started":
        return Reply(ctx.t("leave_started"), after)
    return Reply(ctx.t("leave_not_enrolled"), after)
