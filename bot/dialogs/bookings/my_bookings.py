"""我的预约: a resident's upcoming venue bookings, each with 取消预约 while there is time."""
from __future__ import annotations

from datetime import timedelta

from bot.dialogs.bookings.callbacks import AskCancelBooking, Book, CancelBooking, MyBookings
from bot.dialogs.acting import acted
from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when, to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import page_of, render_choices
from bot.dialogs.pushes.bookings import place_of
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from store.bookings import cancel_booking, upcoming_bookings
from store.models import Booking
from store.models.booking import BOOKED, CHECKED_IN

router = Router("bookings.my_bookings")
router.menu(20, "btn_my_bookings", MyBookings)
router.keywords({"我的预约", "/bookings"}, MyBookings)


def booking_place(ctx: Context, booking: Booking) -> str:
    """'12月2日（周三）09:00–10:00 区图书馆（总馆）研讨室A'."""
    room, venue = place_of(ctx.session, booking)
    when = format_when(booking.starts_at, booking.ends_at, ctx.tz, ctx.lang)
    return ctx.t("booking_place", when=when, venue=venue.name if venue else "—", room=room.name if room else "—")


def _after(ctx: Context) -> tuple[Choice, ...]:
    return Choice(ctx.t("btn_my_bookings"), MyBookings().pack()), menu_button(ctx)


def _too_late(ctx: Context, booking: Booking) -> bool:
    return booking.starts_at - ctx.now < timedelta(hours=ctx.settings.booking.cancel_hours)


@router.payload(MyBookings, on_behalf=True)
def show_my_bookings(ctx: Context, data: MyBookings) -> Reply:
    """Upcoming bookings with their check-in codes; 取消 for those still far enough ahead."""
    bookings = upcoming_bookings(ctx.session, ctx.resident_id, ctx.now)
    if not bookings:
        return Reply(ctx.t("my_bookings_empty"), (Choice(ctx.t("btn_booking"), Book().pack()), menu_button(ctx)))
    tail = (Choice(ctx.t("btn_booking"), Book().pack()), menu_button(ctx))
    page, shown = page_of(ctx, len(bookings), data.page, fixed=len(tail))
    lines, items = [], []
    for n, booking in enumerate(bookings[shown], shown.start + 1):
        key = "my_booking_checked_in" if booking.status == CHECKED_IN else "my_booking_line"
        lines.append(ctx.t(key, n=n, place=booking_place(ctx, booking), code=booking.check_in_code))
    for booking in bookings:
        local = to_local(booking.starts_at, ctx.tz)
        label = ctx.t("btn_cancel_booking", month=local.month, day=local.day, time=f"{local:%H:%M}")
        items.append(Choice(label, AskCancelBooking(booking.id).pack()))
    choices, note = render_choices(ctx, items, page, lambda p: MyBookings(p).pack(), None, tail=tail)
    # Bookings already checked in keep their line but have nothing to cancel.
    cancellable = {AskCancelBooking(b.id).pack() for b in bookings if b.status == BOOKED}
    choices = [c for c in choices if not c.payload.startswith(AskCancelBooking.prefix + ":") or c.payload in cancellable]
    text = ctx.t("my_bookings_title", hours=f"{ctx.settings.booking.cancel_hours:g}") + note + "\n" + "\n".join(lines)
    return Reply(text, tuple(choices))


def _own(ctx: Context, data: AskCancelBooking | CancelBooking) -> Booking | None:
    booking = ctx.session.get(Booking, data.booking)
    return booking if booking and booking.resident_id == ctx.resident_id else None


# Someone else's booking reads as missing, exactly like one that does not exist.
OWN_BOOKING = Load(_own, missing=lambda ctx: Reply(ctx.t("booking_missing"), _after(ctx)))


def _phone(ctx: Context, booking: Booking) -> str:
    _, venue = place_of(ctx.session, booking)
    return (venue.phone if venue else "") or "—"


@router.payload(AskCancelBooking, load=OWN_BOOKING, on_behalf=True)
def confirm_cancel_booking(ctx: Context, data: AskCancelBooking, booking: Booking) -> Reply:
    """Ask before cancelling; too close to the start, say so at once."""
    if booking.status != BOOKED:
        return Reply(ctx.t("booking_missing"), _after(ctx))
    if _too_late(ctx, booking):
        return Reply(ctx.t("booking_cancel_too_late", hours=f"{ctx.settings.booking.cancel_hours:g}",
                           phone=_phone(ctx, booking)), _after(ctx))
    return Reply(ctx.t("booking_confirm_cancel", place=booking_place(ctx, booking)),
                 (Choice(ctx.t("btn_confirm_cancel"), CancelBooking(booking.id).pack()),
                  Choice(ctx.t("btn_keep"), MyBookings().pack())))


@router.payload(CancelBooking, load=OWN_BOOKING, on_behalf=True)
def cancel_my_booking(ctx: Context, data: CancelBooking, booking: Booking) -> Reply:
    """Cancel the booking; the room's slot is free again and the reminder is dropped."""
    result = cancel_booking(ctx.session, ctx.resident_id, booking.id, ctx.now, ctx.settings.booking)
    if result.status == "cancelled":
        acted(ctx, "unbook", f"booking:{booking.id}", ctx.t("proxy_what_unbook", place=booking_place(ctx, booking)))
        return Reply(ctx.t("booking_cancelled", place=booking_place(ctx, booking)), _after(ctx))
    if result.status == "too_late":
        return Reply(ctx.t("booking_cancel_too_late", hours=f"{ctx.settings.booking.cancel_hours:g}",
                           phone=_phone(ctx, booking)), _after(ctx))
    if result.status == "already_cancelled":
        return Reply(ctx.t("booking_already_cancelled"), _after(ctx))
    if result.status == "not_cancellable":
        return Reply(ctx.t("booking_not_cancellable"), _after(ctx))
    return Reply(ctx.t("booking_missing"), _after(ctx))
