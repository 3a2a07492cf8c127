"""签到: staff (grid staff or organizers) type "签到 K7M2Q9" or "/checkin K7M2Q9" when a resident arrives.

Only the role decides: a resident typing the command is refused, and the refusal is audited.
Staff limited to one community can only check in bookings at venues of that community.
"""
from __future__ import annotations

from bot.dialogs.bookings.callbacks import CheckIn
from bot.dialogs.bookings.my_bookings import booking_place
from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.pushes.bookings import place_of
from bot.dialogs.router import Router
from bot.dialogs.staff_access import record_staff_action, refuse_unless
from bot.messages import Reply
from store.bookings import booking_by_code, check_in, normalise_code
from store.models.staff import GRID_STAFF, ORGANIZER
from store.roles import has_role

ACTION = "booking.checkin"

router = Router("bookings.checkin")
router.keywords({"签到", "/checkin"}, CheckIn)
router.keywords({"签到", "签到码", "/checkin"}, CheckIn, argument=True)


def _staff_refusal(ctx: Context, community: str | None) -> Reply | None:
    """None when the person is grid staff or an organizer for the booking's community; else a refusal."""
    if has_role(ctx.session, ctx.resident_id, GRID_STAFF, community):
        return None
    return refuse_unless(ctx, ORGANIZER, ACTION, community)


@router.payload(CheckIn, role=(ORGANIZER, GRID_STAFF), action=ACTION)
def check_in_booking(ctx: Context, data: CheckIn) -> Reply:
    """Mark the booking with this code as checked in (grid staff or organizers only)."""
    after = (menu_button(ctx),)
    code = normalise_code(data.code) if data.code else ""
    if not code:
        return Reply(ctx.t("checkin_how"), after)
    booking = booking_by_code(ctx.session, code)
    if booking is None:
        return Reply(ctx.t("checkin_unknown", code=code), after)
    _, venue = place_of(ctx.session, booking)
    refusal = _staff_refusal(ctx, venue.community if venue else "")
    if refusal is not None:
        return refusal
    result = check_in(ctx.session, booking.id, ctx.now, ctx.settings.booking)
    place = booking_place(ctx, booking)
    if result.status == "checked_in":
        record_staff_action(ctx, ACTION, f"booking:{booking.id}", code=code, room_id=booking.room_id)
        return Reply(ctx.t("checkin_done", place=place, headcount=booking.headcount,
                           purpose=booking.purpose or "—"), after)
    key = {"already": "checkin_already", "cancelled": "checkin_cancelled",
           "too_early": "checkin_too_early"}.get(result.status, "checkin_ended")
    return Reply(ctx.t(key, place=place, minutes=ctx.settings.booking.checkin_early_minutes), after)
