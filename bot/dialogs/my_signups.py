"""我的报名: the resident's places and waiting-list places, each with 取消报名."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.course import first_session_text
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.dialogs.pushes import place_cancelled, promoted
from bot.messages import Choice, Reply
from bot.dialogs.router import on_payload
from store.enrolments import cancel_enrolment, upcoming_places, waiting_position
from store.models import Course, Enrolment
from store.models.enrolment import CANCELLED, CONFIRMED


@on_payload("my")
def show_my_signups(ctx: Context, args: list[str]) -> Reply:
    """Upcoming courses and waiting-list places."""
    rows = upcoming_places(ctx.session, ctx.resident_id, ctx.now)
    if not rows:
        return Reply(ctx.t("my_empty"), (Choice(ctx.t("btn_browse"), "browse"), menu_button(ctx)))
    pages = page_count(len(rows), ctx.settings.dialogs.page_size)
    page = clamp_page(args[0] if args else None, pages)
    size = ctx.settings.dialogs.page_size
    lines, items = [], []
    for n, (enrolment, course) in enumerate(rows, 1):
        if enrolment.status == CONFIRMED:
            lines.append(ctx.t("my_confirmed_line", n=n, title=course.title,
                               next=first_session_text(ctx, course)))
        else:
            lines.append(ctx.t("my_waiting_line", n=n, title=course.title,
                               position=waiting_position(ctx.session, enrolment)))
        items.append(Choice(ctx.t("btn_cancel_one", title=course.title)[:40], f"cx:{enrolment.id}"))
    shown = lines[(page - 1) * size: page * size]
    choices, note = render_choices(ctx, items, page, lambda p: f"my:{p}", None)
    text = ctx.t("my_title") + note + "\n" + "\n".join(shown)
    return Reply(text, tuple(choices + [menu_button(ctx)]))


def _own_enrolment(ctx: Context, args: list[str]) -> Enrolment | None:
    if not args or not args[0].isdigit():
        return None
    enrolment = ctx.session.get(Enrolment, int(args[0]))
    return enrolment if enrolment and enrolment.resident_id == ctx.resident_id else None


@on_payload("cx")
def confirm_cancel(ctx: Context, args: list[str]) -> Reply:
    """Ask before cancelling a place."""
    enrolment = _own_enrolment(ctx, args)
    if enrolment is None:
        return Reply(ctx.t("signup_missing"), (Choice(ctx.t("btn_my"), "my"), menu_button(ctx)))
    if enrolment.status == CANCELLED:
        return Reply(ctx.t("already_cancelled"), (Choice(ctx.t("btn_my"), "my"), menu_button(ctx)))
    course = ctx.session.get(Course, enrolment.course_id)
    return Reply(ctx.t("confirm_cancel", title=course.title),
                 (Choice(ctx.t("btn_confirm_cancel"), f"cxy:{enrolment.id}"),
                  Choice(ctx.t("btn_keep"), "my")))


@on_payload("cxy")
def cancel(ctx: Context, args: list[str]) -> Reply:
    """Cancel the place; the first one waiting gets the seat and a message."""
    after = (Choice(ctx.t("btn_my"), "my"), menu_button(ctx))
    enrolment = _own_enrolment(ctx, args)
    if enrolment is None:
        return Reply(ctx.t("signup_missing"), after)
    result = cancel_enrolment(ctx.session, ctx.resident_id, enrolment.id)
    if result.status == "already_cancelled":
        return Reply(ctx.t("already_cancelled"), after)
    if result.status != "cancelled":
        return Reply(ctx.t("signup_missing"), after)
    course = ctx.session.get(Course, result.course_id)
    place_cancelled(ctx, course, ctx.resident_id)
    if result.promoted is not None:
        promoted(ctx, course, result.promoted)
    return Reply(ctx.t("cancelled", title=course.title), after)
