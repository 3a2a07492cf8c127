"""请假 from a reminder: skip one session, keep the place in the course."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.dialogs.menus import menu_button
from bot.dialogs.pushes import leave_taken
from bot.messages import Choice, Reply
from bot.dialogs.legacy import on_payload
from store.leaves import take_leave
from store.models import ClassSession, Course


@on_payload("lv")
def leave(ctx: Context, args: list[str]) -> Reply:
    """Record leave from one session; a second tap says it is already recorded."""
    after = (Choice(ctx.t("btn_my"), "my"), menu_button(ctx))
    cls = ctx.session.get(ClassSession, int(args[0])) if args and args[0].isdigit() else None
    course = ctx.session.get(Course, cls.course_id) if cls else None
    if cls is None or course is None:
        return Reply(ctx.t("session_missing"), after)
    result = take_leave(ctx.session, cls.id, ctx.resident_id, ctx.now)
    when = format_when(cls.starts_at, cls.ends_at, ctx.tz, ctx.lang)
    if result.status == "recorded":
        leave_taken(ctx, course.id, ctx.resident_id, cls.id)
        return Reply(ctx.t("leave_recorded", title=course.title, when=when), after)
    if result.status == "already":
        return Reply(ctx.t("leave_already", title=course.title, when=when), after)
    if result.status == "started":
        return Reply(ctx.t("leave_started"), after)
    return Reply(ctx.t("leave_not_enrolled"), after)
