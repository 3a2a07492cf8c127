"""设置 → 按课程设置提醒: a resident switches reminders off and on for one course they signed up for.

The switch is the resident's own (on their place in the course): turning it off for one course
silences nobody else, and the organizer's course-wide switch still wins."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.dialogs.account.settings import CourseReminders, Settings
from bot.dialogs.pushes.plan import course_push_prefixes, schedule_course_reminders
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from store.enrolments import lock_course, set_reminders, upcoming_places
from store.models import Course, Enrolment, Resident
from store.models.enrolment import CONFIRMED
from store.outbox import drop_pending

router = Router("account.course_reminders")
router.keywords({"课程提醒", "按课程设置提醒"}, CourseReminders)

# Courses per screen: with 上一页, 下一页 and 返回 a screen never has more than 8 choices.
PER_PAGE = 5


def _line(ctx: Context, enrolment: Enrolment, course: Course) -> str:
    if not course.reminders_on:
        state = ctx.t("course_reminders_none")
    else:
        state = ctx.t("reminders_state_on" if enrolment.reminders_on else "reminders_state_off")
    return ctx.t("course_reminders_line", title=course.title, state=state)


def _switch(ctx: Context, page: int, enrolment: Enrolment, course: Course) -> Choice:
    key, to = ("btn_course_reminders_off", "off") if enrolment.reminders_on else ("btn_course_reminders_on", "on")
    return Choice(ctx.t(key, title=course.title)[:40], CourseReminders(page, enrolment.id, to).pack())


def course_reminders_screen(ctx: Context, page: int, note: str = "") -> Reply:
    """One screen of the resident's courses, each with its switch."""
    rows = upcoming_places(ctx.session, ctx.resident_id, ctx.now)
    back = Choice(ctx.t("btn_back"), Settings().pack())
    head = [note] if note else []
    if not rows:
        return Reply("\n".join(head + [ctx.t("course_reminders_empty")]), (back,))
    page = clamp_page(str(page), page_count(len(rows), PER_PAGE))
    items = [_switch(ctx, n // PER_PAGE + 1, e, c) for n, (e, c) in enumerate(rows)]
    choices, page_note = render_choices(ctx, items, page, lambda p: CourseReminders(p).pack(), back, size=PER_PAGE)
    lines = [_line(ctx, e, c) for e, c in rows[(page - 1) * PER_PAGE: page * PER_PAGE]]
    if not ctx.session.get(Resident, ctx.resident_id).reminders_on:
        head.append(ctx.t("course_reminders_all_off"))
    return Reply("\n".join(head + [ctx.t("course_reminders_title") + page_note] + lines), tuple(choices))


@router.payload(CourseReminders)
def course_reminders(ctx: Context, data: CourseReminders) -> Reply:
    """setc:PAGE shows a screen; setc:PAGE:ENROLMENT:on|off switches one course."""
    page = data.page or 1
    if data.enrolment is None or data.to not in ("on", "off"):
        return course_reminders_screen(ctx, page)
    enrolment = set_reminders(ctx.session, ctx.resident_id, data.enrolment, data.to == "on")
    if enrolment is None:
        return course_reminders_screen(ctx, page, ctx.t("signup_missing"))
    if enrolment.reminders_on:
        # Under the course's lock, as the planner reads who takes a course's reminders.
        course = lock_course(ctx.session, enrolment.course_id)
        if enrolment.status == CONFIRMED:
            schedule_course_reminders(ctx.session, ctx.settings, course, ctx.resident_id, ctx.now)
        note = ctx.t("course_reminders_turned_on", title=course.title)
    else:
        course = ctx.session.get(Course, enrolment.course_id)
        drop_pending(ctx.session, course_push_prefixes(course.id, ctx.resident_id)[0])
        note = ctx.t("course_reminders_turned_off", title=course.title)
    return course_reminders_screen(ctx, page, note)
