"""我的报名: the resident's places and waiting-list places, each with 取消报名."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.courses.callbacks import AskCancel, Browse, Cancel, MySignups
from bot.dialogs.courses.course import first_session_text
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.dialogs.pushes.seat_offers import deadline_text, seats_freed
from bot.dialogs.pushes.seats import place_cancelled
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from store.enrolments import cancel_enrolment, upcoming_places, waiting_position
from store.models import Course, Enrolment
from store.seat_offers import open_offer_of
from store.models.enrolment import CANCELLED, CONFIRMED

router = Router("courses.my_signups")
router.menu(30, "btn_my", MySignups, where="main")
router.keywords({"我的报名", "/my", "我的"}, MySignups)


@router.payload(MySignups)
def show_my_signups(ctx: Context, data: MySignups) -> Reply:
    """Upcoming courses and waiting-list places."""
    rows = upcoming_places(ctx.session, ctx.resident_id, ctx.now)
    if not rows:
        return Reply(ctx.t("my_empty"), (Choice(ctx.t("btn_browse"), Browse().pack()), menu_button(ctx)))
    pages = page_count(len(rows), ctx.settings.dialogs.page_size)
    page = clamp_page(data.page, pages)
    size = ctx.settings.dialogs.page_size
    lines, items = [], []
    for n, (enrolment, course) in enumerate(rows, 1):
        if enrolment.status == CONFIRMED:
            lines.append(ctx.t("my_confirmed_line", n=n, title=course.title,
                               next=first_session_text(ctx, course)))
        elif (offer := open_offer_of(ctx.session, enrolment.id)) is not None:
            lines.append(ctx.t("my_offer_line", n=n, title=course.title,
                               deadline=deadline_text(offer.expires_at, ctx.settings)))
        else:
            lines.append(ctx.t("my_waiting_line", n=n, title=course.title,
                               position=waiting_position(ctx.session, enrolment)))
        items.append(Choice(ctx.t("btn_cancel_one", title=course.title)[:40], AskCancel(enrolment.id).pack()))
    shown = lines[(page - 1) * size: page * size]
    choices, note = render_choices(ctx, items, page, lambda p: MySignups(p).pack(), None)
    text = ctx.t("my_title") + note + "\n" + "\n".join(shown)
    return Reply(text, tuple(choices + [menu_button(ctx)]))


def _after(ctx: Context) -> tuple[Choice, ...]:
    return Choice(ctx.t("btn_my"), MySignups().pack()), menu_button(ctx)


def _own_enrolment(ctx: Context, data: AskCancel | Cancel) -> Enrolment | None:
    enrolment = ctx.session.get(Enrolment, data.enrolment)
    return enrolment if enrolment and enrolment.resident_id == ctx.resident_id else None


# Someone else's place reads as missing, exactly like one that does not exist.
OWN_ENROLMENT = Load(_own_enrolment, missing=lambda ctx: Reply(ctx.t("signup_missing"), _after(ctx)))


@router.payload(AskCancel, load=OWN_ENROLMENT)
def confirm_cancel(ctx: Context, data: AskCancel, enrolment: Enrolment) -> Reply:
    """Ask before cancelling a place."""
    if enrolment.status == CANCELLED:
        return Reply(ctx.t("already_cancelled"), _after(ctx))
    course = ctx.session.get(Course, enrolment.course_id)
    return Reply(ctx.t("confirm_cancel", title=course.title),
                 (Choice(ctx.t("btn_confirm_cancel"), Cancel(enrolment.id).pack()),
                  Choice(ctx.t("btn_keep"), MySignups().pack())))


@router.payload(Cancel, load=OWN_ENROLMENT)
def cancel(ctx: Context, data: Cancel, enrolment: Enrolment) -> Reply:
    """Cancel the place; the first one waiting gets the seat and a message."""
    after = _after(ctx)
    result = cancel_enrolment(ctx.session, ctx.resident_id, enrolment.id, ctx.now)
    if result.status == "already_cancelled":
        return Reply(ctx.t("already_cancelled"), after)
    if result.status != "cancelled":
        return Reply(ctx.t("signup_missing"), after)
    course = ctx.session.get(Course, result.course_id)
    place_cancelled(ctx, course, ctx.resident_id)
    seats_freed(ctx.session, ctx.settings, course, result, ctx.now)
    return Reply(ctx.t("cancelled", title=course.title), after)
