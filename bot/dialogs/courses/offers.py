"""接受 / 放弃 a seat offered from the waiting list."""
from __future__ import annotations

from bot.dialogs.acting import acted
from bot.dialogs.context import Context
from bot.dialogs.courses.callbacks import AcceptOffer, DeclineOffer, MySignups
from bot.dialogs.courses.course import first_session_text
from bot.dialogs.menus import menu_button
from bot.dialogs.pushes.seat_offers import offer_seats
from bot.dialogs.pushes.seats import seat_confirmed
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from store.seat_offers import answer_offer

router = Router("courses.offers")


def _after(ctx: Context) -> tuple[Choice, ...]:
    return Choice(ctx.t("btn_my"), MySignups().pack()), menu_button(ctx)


def _answer(ctx: Context, offer_id: int, accept: bool) -> Reply:
    """Record the answer under the course lock; a lapsed or given-up seat goes to the next one."""
    result = answer_offer(ctx.session, ctx.resident_id, offer_id, accept, ctx.now)
    if result.status == "not_found":
        return Reply(ctx.t("offer_missing"), _after(ctx))
    course = result.course
    if result.status in ("declined", "expired"):
        offer_seats(ctx.session, ctx.settings, course, ctx.now)
    if result.status == "accepted":
        seat_confirmed(ctx, course, ctx.resident_id)
        acted(ctx, "offer", f"course:{course.code}", ctx.t("proxy_what_signup", title=course.title))
        return Reply(ctx.t("offer_accepted", title=course.title, seats=result.offer.seats,
                           first=first_session_text(ctx, course)), _after(ctx))
    if result.status == "declined":
        return Reply(ctx.t("offer_declined", title=course.title), _after(ctx))
    if result.status == "expired":
        return Reply(ctx.t("offer_expired", title=course.title), _after(ctx))
    return Reply(ctx.t("offer_answered", title=course.title), _after(ctx))


@router.payload(AcceptOffer, on_behalf=True)
def accept_offer(ctx: Context, data: AcceptOffer) -> Reply:
    """接受: the seats become the resident's, unless the deadline passed."""
    return _answer(ctx, data.offer, True)


@router.payload(DeclineOffer, on_behalf=True)
def decline_offer(ctx: Context, data: DeclineOffer) -> Reply:
    """放弃: the resident leaves the waiting list and the seats go to the next one."""
    return _answer(ctx, data.offer, False)
