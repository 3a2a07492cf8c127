"""上课签到: a resident checks in to a class with its code (typed, or from the QR deep link)."""
from __future__ import annotations

from datetime import timedelta

from bot.dialogs.attendance.callbacks import CheckIn
from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.dialogs.menus import menu_button
from bot.dialogs.router import Router
from bot.messages import Reply
from store.attendance import check_in, normalise_code
from store.models import Course

router = Router("attendance.checkin")
router.keywords({"上课签到", "课堂签到", "/here"}, CheckIn)
router.keywords({"上课签到", "课堂签到", "/here"}, CheckIn, argument=True)

ANSWERS = {"checked_in": "att_here_done", "already": "att_here_already", "too_early": "att_here_early",
           "too_late": "att_here_late", "not_enrolled": "att_here_not_enrolled"}


@router.payload(CheckIn)
def check_in_to_class(ctx: Context, data: CheckIn) -> Reply:
    """Mark the resident present at the session whose code this is, inside the check-in window."""
    after = (menu_button(ctx),)
    code = normalise_code(data.code or "")
    if not code:
        return Reply(ctx.t("att_here_how"), after)
    rules = ctx.settings.attendance
    result = check_in(ctx.session, code, ctx.resident_id, ctx.now,
                      timedelta(minutes=rules.checkin_before_minutes),
                      timedelta(minutes=rules.checkin_after_minutes))
    if result.session is None:
        return Reply(ctx.t("att_here_unknown", code=code[:12]), after)
    course = ctx.session.get(Course, result.session.course_id)
    when = format_when(result.session.starts_at, result.session.ends_at, ctx.tz, ctx.lang)
    return Reply(ctx.t(ANSWERS[result.status], title=course.title, when=when,
                       minutes=rules.checkin_before_minutes), after)
