"""我的报名: the resident's places and waiting-list places; each opens with 请假 and 取消报名."""
from __future__ import annotations

from bot.dialogs.acting import acted
from bot.dialogs.context import Context
from bot.dialogs.courses.callbacks import AskCancel, Browse, Cancel, Leave, MyPlace, MySignups
from bot.dialogs.courses.course import first_session_text
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import render_choices
from bot.dialogs.pushes.seat_offers import deadline_text, seats_freed
from bot.dialogs.pushes.seats import place_cancelled
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from store.catalog import next_session, venue_of
from store.lottery import APPLIED
from store.enrolments import cancel_enrolment, upcoming_places, waiting_position
from store.leaves import on_leave
from store.models import Course, Enrolment
from store.seat_offers import open_offer_of
from store.models.enrolment import CANCELLED, CONFIRMED

router = Router("courses.my_signups")
router.menu(30, "btn_my", MySignups, where="main")
router.keywords({"我的报名", "/my", "我的"}, MySignups)


@router.payload(MySignups, on_behalf=True)
def show_my_signups(ctx: Context, data: MySignups) -> Reply:
    """Upcoming courses and waiting-list places, each by name; choosing one opens it."""
    rows = upcoming_places(ctx.session, ctx.resident_id, ctx.now)
    if not rows:
        return Reply(ctx.t("my_empty"), (Choice(ctx.t("btn_browse"), Browse().pack()), menu_button(ctx)))
    items = [Choice(_marked(ctx, enrolment, _label(ctx, enrolment, course)), MyPlace(enrolment.id).pack())
             for enrolment, course in rows]
    choices, note = render_choices(ctx, items, data.page or 1, lambda p: MySignups(p).pack(), None,
                                   tail=(menu_button(ctx),))
    return Reply(ctx.t("my_list_title", count=len(rows)) + note, tuple(choices))


def _marked(ctx: Context, enrolment: Enrolment, label: str) -> str:
    """The label, with 代办 when someone signed the resident up on their behalf."""
    if enrolment.proxy_by is None:
        return label[:40]
    mark = ctx.t("proxy_mark")
    return label[:40 - len(mark)] + mark


def _label(ctx: Context, enrolment: Enrolment, course: Course) -> str:
    if enrolment.status == CONFIRMED:
        return course.title
    if enrolment.status == APPLIED:
        return ctx.t("my_applied_label", title=course.title)
    offer = open_offer_of(ctx.session, enrolment.id)
    if offer is not None:
        return ctx.t("my_offer_label", title=course.title, deadline=deadline_text(offer.expires_at, ctx.settings))
    return ctx.t("my_waiting_label", title=course.title, position=waiting_position(ctx.session, enrolment))


def _after(ctx: Context) -> tuple[Choice, ...]:
    return Choice(ctx.t("btn_my"), MySignups().pack()), menu_button(ctx)


def _own_enrolment(ctx: Context, data: MyPlace | AskCancel | Cancel) -> Enrolment | None:
    enrolment = ctx.session.get(Enrolment, data.enrolment)
    return enrolment if enrolment and enrolment.resident_id == ctx.resident_id else None


# Someone else's place reads as missing, exactly like one that does not exist.
OWN_ENROLMENT = Load(_own_enrolment, missing=lambda ctx: Reply(ctx.t("signup_missing"), _after(ctx)))


@router.payload(MyPlace, load=OWN_ENROLMENT, on_behalf=True)
def show_place(ctx: Context, data: MyPlace, enrolment: Enrolment) -> Reply:
    """One course of 我的报名: the next session, where, the teacher; 请假 and 取消报名."""
    if enrolment.status == CANCELLED:
        return Reply(ctx.t("already_cancelled"), _after(ctx))
    course = ctx.session.get(Course, enrolment.course_id)
    venue = venue_of(ctx.session, course)
    nxt = next_session(ctx.session, course.id, ctx.now)
    choices: list[Choice] = []
    if enrolment.status == CONFIRMED:
        status = ctx.t("my_place_confirmed")
        if nxt is not None and on_leave(ctx.session, nxt.id, ctx.resident_id):
            status += ctx.t("my_place_on_leave")
        elif nxt is not None:
            when = to_local(nxt.starts_at, ctx.tz)
            choices.append(Choice(ctx.t("btn_leave_next", when=f"{when.month}月{when.day}日"), Leave(nxt.id).pack()))
        choices.append(Choice(ctx.t("btn_cancel_signup"), AskCancel(enrolment.id).pack()))
    elif enrolment.status == APPLIED:
        status = ctx.t("my_place_applied")
        choices.append(Choice(ctx.t("btn_cancel_wait"), AskCancel(enrolment.id).pack()))
    elif (offer := open_offer_of(ctx.session, enrolment.id)) is not None:
        status = ctx.t("my_place_offered", deadline=deadline_text(offer.expires_at, ctx.settings))
        choices.append(Choice(ctx.t("btn_cancel_wait"), AskCancel(enrolment.id).pack()))
    else:
        status = ctx.t("my_place_waiting", position=waiting_position(ctx.session, enrolment))
        choices.append(Choice(ctx.t("btn_cancel_wait"), AskCancel(enrolment.id).pack()))
    place = f"{venue.name}（{venue.address}）" if venue and venue.address else (venue.name if venue else "—")
    text = ctx.t("my_place", title=course.title, status=status, next=first_session_text(ctx, course),
                 venue=place, teacher=course.teacher or "—")
    choices += [Choice(ctx.t("btn_my_back"), MySignups().pack()), menu_button(ctx)]
    return Reply(text, tuple(choices))


@router.payload(AskCancel, load=OWN_ENROLMENT, on_behalf=True)
def confirm_cancel(ctx: Context, data: AskCancel, enrolment: Enrolment) -> Reply:
    """Ask before cancelling a place."""
    if enrolment.status == CANCELLED:
        return Reply(ctx.t("already_cancelled"), _after(ctx))
    course = ctx.session.get(Course, enrolment.course_id)
    return Reply(ctx.t("confirm_cancel", title=course.title),
                 (Choice(ctx.t("btn_confirm_cancel"), Cancel(enrolment.id).pack()),
                  Choice(ctx.t("btn_keep"), MyPlace(enrolment.id).pack())))


@router.payload(Cancel, load=OWN_ENROLMENT, on_behalf=True)
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
    acted(ctx, "cancel", f"course:{course.code}", ctx.t("proxy_what_cancel", title=course.title))
    seats_freed(ctx.session, ctx.settings, course, result, ctx.now)
    return Reply(ctx.t("cancelled", title=course.title), after)
