"""有新课时提醒我 on a category, 有名额时提醒我 on a full course, and 不用提醒了 to stop."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.links import WatchCategory, WatchCourse, category_link, course_link
from bot.dialogs.menus import menu_button
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from store.catalog import course_by_code
from store.enrolments import seats_left
from store.models import Category, Course
from store.models.watch import FREE_SEAT, NEW_COURSE
from store.watches import start_watch, stop_watch

router = Router("whatson.alerts")


def _missing(ctx: Context) -> Reply:
    return Reply(ctx.t("watch_missing"), (menu_button(ctx),))


CATEGORY = Load(lambda ctx, data: ctx.session.get(Category, data.category), missing=_missing)
COURSE = Load(lambda ctx, data: course_by_code(ctx.session, data.code), missing=_missing)


@router.payload(WatchCategory, load=CATEGORY)
def watch_category(ctx: Context, data: WatchCategory, category: Category) -> Reply:
    """Start (or with stop, end) news of new courses in a category."""
    back = Choice(ctx.t("btn_back"), category_link(category.id))
    if data.stop:
        stop_watch(ctx.session, ctx.resident_id, NEW_COURSE, category.id, ctx.now)
        return Reply(ctx.t("watch_category_off", category=category.name), (back, menu_button(ctx)))
    start_watch(ctx.session, ctx.resident_id, NEW_COURSE, category.id, ctx.now)
    return Reply(ctx.t("watch_category_on", category=category.name),
                 (Choice(ctx.t("btn_watch_stop"), WatchCategory(category.id, 1).pack()), back, menu_button(ctx)))


@router.payload(WatchCourse, load=COURSE)
def watch_course(ctx: Context, data: WatchCourse, course: Course) -> Reply:
    """Start (or with stop, end) news of a free seat in a full course."""
    back = Choice(ctx.t("btn_back"), course_link(course.code))
    if data.stop:
        stop_watch(ctx.session, ctx.resident_id, FREE_SEAT, course.id, ctx.now)
        return Reply(ctx.t("watch_course_off", title=course.title), (back, menu_button(ctx)))
    if seats_left(ctx.session, course) > 0:
        return Reply(ctx.t("watch_course_open", title=course.title),
                     (Choice(ctx.t("btn_view_course"), course_link(course.code)), menu_button(ctx)))
    start_watch(ctx.session, ctx.resident_id, FREE_SEAT, course.id, ctx.now)
    return Reply(ctx.t("watch_course_on", title=course.title),
                 (Choice(ctx.t("btn_watch_stop"), WatchCourse(course.code, 1).pack()), back, menu_button(ctx)))
