"""值班签到 / 签退 with the shift's code (typed, or from a web link): check-out credits the hours."""
from __future__ import annotations

from datetime import timedelta

from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.dialogs.menus import menu_button
from bot.dialogs.points_push import format_hours
from bot.dialogs.router import Router
from bot.dialogs.shifts.callbacks import ShiftCheckIn, ShiftCheckOut
from bot.messages import Reply
from store.attendance import normalise_code
from store.points import balance
from store.shifts import check_in, check_out

CHECK_IN_STATUSES = ("unknown", "checked_in", "already", "too_early", "too_late", "not_signed")
CHECK_OUT_STATUSES = ("unknown", "checked_out", "already", "not_in", "too_late", "not_signed")

router = Router("shifts.checkin")
# 签到 alone is the staff's venue-booking check-in; a shift's is 值班签到.
router.keywords({"值班签到", "/shiftin"}, ShiftCheckIn)
router.keywords({"值班签到", "/shiftin"}, ShiftCheckIn, argument=True)
router.keywords({"签退", "值班签退", "/shiftout"}, ShiftCheckOut)
router.keywords({"签退", "值班签退", "/shiftout"}, ShiftCheckOut, argument=True)


def _when(ctx: Context, result) -> str:
    return format_when(result.shift.starts_at, result.shift.ends_at, ctx.tz, ctx.lang) if result.shift else ""


@router.payload(ShiftCheckIn)
def arrive(ctx: Context, data: ShiftCheckIn) -> Reply:
    """Check in to the shift whose code this is, from a while before the start until its end."""
    code = normalise_code(data.code or "")
    if not code:
        return Reply(ctx.t("shift_in_how"), (menu_button(ctx),))
    before = ctx.settings.shifts.checkin_before_minutes
    result = check_in(ctx.session, code, ctx.resident_id, ctx.now, timedelta(minutes=before))
    title = result.shift.title if result.shift else ""
    return Reply(ctx.t(f"shift_in_{result.status}", code=code[:12], title=title, when=_when(ctx, result),
                       minutes=before), (menu_button(ctx),))


@router.payload(ShiftCheckOut)
def leave(ctx: Context, data: ShiftCheckOut) -> Reply:
    """Check out and credit the hours served and their points, once."""
    code = normalise_code(data.code or "")
    if not code:
        return Reply(ctx.t("shift_out_how"), (menu_button(ctx),))
    after = timedelta(minutes=ctx.settings.shifts.checkout_after_minutes)
    result = check_out(ctx.session, code, ctx.resident_id, ctx.now, after, ctx.settings.points)
    title = result.shift.title if result.shift else ""
    return Reply(ctx.t(f"shift_out_{result.status}", code=code[:12], title=title, when=_when(ctx, result),
                       hours=format_hours(result.minutes), points=result.points,
                       balance=balance(ctx.session, ctx.resident_id)), (menu_button(ctx),))
