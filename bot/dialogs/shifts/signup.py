"""值班: approved volunteers see the shifts ahead, sign up and withdraw before the start."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import paged
from bot.dialogs.router import Load, Router
from bot.dialogs.shifts.callbacks import ShiftView, Shifts, SignUp, Withdraw
from bot.dialogs.staff_access import person_name
from bot.messages import Choice, Reply
from store.models.shifts import SIGNED, Shift
from store.models.staff import ORGANIZER
from store.models.volunteers import ACTIVE
from store.roles import has_role
from store.shifts import open_shifts, sign_up, signed_up, signup_of, withdraw
from store.volunteers import volunteer_of

router = Router("shifts.signup")
router.keywords({"值班", "值班报名", "/shifts"}, Shifts)


def _back(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_back"), Shifts().pack())


SHIFT = Load(lambda ctx, data: ctx.session.get(Shift, data.shift),
             missing=lambda ctx: Reply(ctx.t("shift_missing"), (_back(ctx), menu_button(ctx))))


def _organizer(ctx: Context) -> bool:
    return has_role(ctx.session, ctx.resident_id, ORGANIZER)


def _not_volunteer(ctx: Context) -> Reply | None:
    """The answer to someone who is not an approved volunteer; None for volunteers and organizers."""
    found = volunteer_of(ctx.session, ctx.resident_id)
    if (found is not None and found.status == ACTIVE) or _organizer(ctx):
        return None
    return Reply(ctx.t("shift_volunteers_only"), (Choice(ctx.t("btn_volunteer"), "vol"), menu_button(ctx)))


def _mine(ctx: Context, shift: Shift) -> bool:
    mine = signup_of(ctx.session, shift.id, ctx.resident_id)
    return mine is not None and mine.status == SIGNED


def _checked_in(ctx: Context, shift: Shift) -> bool:
    mine = signup_of(ctx.session, shift.id, ctx.resident_id)
    return mine is not None and mine.checked_in_at is not None


def _label(ctx: Context, shift: Shift) -> str:
    when = format_when(shift.starts_at, shift.ends_at, ctx.tz, ctx.lang)
    key = "shift_label_mine" if _mine(ctx, shift) else "shift_label"
    return ctx.t(key, when=when, title=shift.title, left=shift.capacity - shift.taken)


@router.payload(Shifts)
def shifts(ctx: Context, data: Shifts) -> Reply:
    """The shifts ahead, soonest first, with the places left."""
    refused = _not_volunteer(ctx)
    if refused:
        return refused
    ahead = open_shifts(ctx.session, ctx.now)
    if not ahead:
        return Reply(ctx.t("shift_none"), (menu_button(ctx),))
    items = [Choice(_label(ctx, s), ShiftView(s.id).pack()) for s in ahead]
    choices, note = paged(ctx, items, data.page, lambda p: Shifts(p).pack(), menu_button(ctx))
    return Reply(ctx.t("shift_list") + note, tuple(choices))


def shift_screen(ctx: Context, shift: Shift, note: str = "") -> Reply:
    """One shift: when, where, places left, and 报名 or 取消报名 (the code for organizers)."""
    text = ctx.t("shift_detail", title=shift.title, when=format_when(shift.starts_at, shift.ends_at, ctx.tz, ctx.lang),
                 place=shift.place, taken=shift.taken, people=shift.capacity)
    if _organizer(ctx):
        names = "、".join(person_name(ctx, row.resident_id) for row in signed_up(ctx.session, shift.id))
        text += "\n" + ctx.t("shift_code_line", code=shift.code, names=names or ctx.t("shift_nobody"))
    choices = [_back(ctx), menu_button(ctx)]
    if shift.starts_at > ctx.now:
        if _mine(ctx, shift):
            if not _checked_in(ctx, shift):
                choices.insert(0, Choice(ctx.t("btn_shift_withdraw"), Withdraw(shift.id).pack()))
        elif shift.taken < shift.capacity:
            choices.insert(0, Choice(ctx.t("btn_shift_sign_up"), SignUp(shift.id).pack()))
    return Reply(f"{note}\n{text}".strip(), tuple(choices))


@router.payload(ShiftView, load=SHIFT)
def view(ctx: Context, data: ShiftView, shift: Shift) -> Reply:
    """One shift."""
    return _not_volunteer(ctx) or shift_screen(ctx, shift)


SIGN_UP_ANSWERS = {"signed_up": "shift_signed_up", "already": "shift_already", "full": "shift_full",
                   "started": "shift_started"}


@router.payload(SignUp, load=SHIFT)
def take_place(ctx: Context, data: SignUp, shift: Shift) -> Reply:
    """Take one of the places; the database says whether one is left."""
    refused = _not_volunteer(ctx)
    if refused:
        return refused
    result = sign_up(ctx.session, shift.id, ctx.resident_id, ctx.now)
    return shift_screen(ctx, result.shift, ctx.t(SIGN_UP_ANSWERS[result.status]))


WITHDRAW_ANSWERS = {"withdrawn": "shift_withdrawn", "not_signed": "shift_not_signed", "started": "shift_started"}


@router.payload(Withdraw, load=SHIFT)
def give_back(ctx: Context, data: Withdraw, shift: Shift) -> Reply:
    """Give the place back, before the start."""
    result = withdraw(ctx.session, shift.id, ctx.resident_id, ctx.now)
    return shift_screen(ctx, result.shift, ctx.t(WITHDRAW_ANSWERS[result.status]))
