"""/credit: an organizer adds (or takes away) a volunteer's points by hand, with a reason."""
from __future__ import annotations

import re

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import paged
from bot.dialogs.router import Load, Result, Router, fallback
from bot.dialogs.staff_access import Role, actor_name, record_staff_action, tell
from bot.dialogs.states import CREDIT
from bot.dialogs.volunteers.callbacks import ConfirmCredit, Credit, CreditWho, Points, QuickPoints
from bot.messages import Choice, Reply
from store.models import Volunteer
from store.models.staff import ORGANIZER
from store.points import balance, credit_by_hand
from store.roles import communities_of
from store.volunteers import volunteer_of, volunteers_in

ACTION = "points.credit"
EXPECT_WHO, EXPECT_POINTS, EXPECT_REASON = "credit_who", "credit_points", "credit_reason"
QUICK_POINTS = (1, 2, 5, 10, 20)
_POINTS = re.compile(r"^([+\-−－]?)\s*(\d{1,4})\s*分?$")

router = Router("volunteers.credit")
router.keywords({"/credit"}, Credit)
# Organizers of the volunteer's community (any organizer passes a volunteer who is gone).
FOR_VOLUNTEER = Role(ORGANIZER, ACTION, community=lambda volunteer: volunteer.community)


def _volunteer_missing(ctx: Context) -> Reply:
    return Reply(ctx.t("vols_missing"), (Choice(ctx.t("btn_back"), Credit().pack()), menu_button(ctx)))


VOLUNTEER = Load(lambda ctx, data: volunteer_of(ctx.session, data.resident), missing=_volunteer_missing)


def _volunteer_choices(volunteers: list[Volunteer], ctx: Context) -> list[Choice]:
    return [Choice(ctx.t("vols_label", name=v.name, community=v.community), CreditWho(v.resident_id).pack())
            for v in volunteers]


@router.payload(Credit, role=ORGANIZER, action=ACTION)
def choose_volunteer(ctx: Context, data: Credit) -> Reply:
    """Whom to credit: a list, or type part of a name."""
    people = volunteers_in(ctx.session, communities_of(ctx.session, ctx.resident_id, ORGANIZER))
    if not people:
        return Reply(ctx.t("credit_nobody"), (menu_button(ctx),))
    ctx.expect = EXPECT_WHO
    choices, note = paged(ctx, _volunteer_choices(people, ctx), data.page, lambda p: Credit(p).pack(),
                          menu_button(ctx))
    return Reply(ctx.t("credit_who") + note, tuple(choices))


@router.state(EXPECT_WHO, role=ORGANIZER, action=ACTION)
def find_volunteer(ctx: Context, text: str) -> Result:
    """Volunteers whose name contains what was typed."""
    people = volunteers_in(ctx.session, communities_of(ctx.session, ctx.resident_id, ORGANIZER),
                           name_part=text.strip()[:20])
    ctx.expect = EXPECT_WHO
    if not people:
        return Reply(ctx.t("credit_no_match", text=text[:20]), (menu_button(ctx),))
    size = ctx.settings.dialogs.page_size
    return Reply(ctx.t("credit_who"), tuple(_volunteer_choices(people[:size], ctx) + [menu_button(ctx)]))


def _credit_target(ctx: Context, resident_id: int | None) -> Volunteer | Reply:
    """The volunteer of the credit being written, if the organizer's communities cover them."""
    found = volunteer_of(ctx.session, resident_id) if resident_id is not None else None
    return FOR_VOLUNTEER.refusal(ctx, found) or found or _volunteer_missing(ctx)


@router.payload(CreditWho, role=FOR_VOLUNTEER, load=VOLUNTEER)
def ask_points(ctx: Context, data: CreditWho, found: Volunteer) -> Reply:
    """How many points (a quick choice, or typed like "30" or "15分"; "-5分" takes points away)."""
    ctx.expect = EXPECT_POINTS
    # A typed number is the points asked for ("30"), not a pick of the quick choices.
    ctx.expect_number_answer()
    CREDIT.enter(ctx, {"rid": found.resident_id})
    quick = [Choice(ctx.t("credit_n_points", n=n), QuickPoints(str(n)).pack()) for n in QUICK_POINTS]
    return Reply(ctx.t("credit_ask_points", name=found.name,
                       balance=balance(ctx.session, found.resident_id)),
                 tuple(quick + [menu_button(ctx)]))


def parse_points(text: str, most: int) -> int | None:
    """Points typed by staff ("10", "+10分", "-5分"), within ±most and not zero."""
    match = _POINTS.match(text.strip())
    if not match:
        return None
    sign, digits = match.groups()
    points = -int(digits) if sign and sign != "+" else int(digits)
    return points if 0 < abs(points) <= most else None


def take_points(ctx: Context, raw: str) -> Reply:
    """Keep the points of the credit being written and ask for the reason."""
    step = CREDIT.get(ctx)
    found = _credit_target(ctx, step["rid"] if step else None)
    if isinstance(found, Reply):
        ctx.expect = ""
        return found
    most = ctx.settings.points.max_manual_points
    points = parse_points(raw, most)
    if points is None:
        ctx.expect = EXPECT_POINTS
        ctx.expect_number_answer()
        return Reply(ctx.t("credit_bad_points", most=most), (menu_button(ctx),))
    step["points"] = points
    CREDIT.keep(ctx)
    ctx.expect = EXPECT_REASON
    return Reply(ctx.t("credit_ask_reason", name=found.name, points=f"{points:+d}"), (menu_button(ctx),))


@router.payload(QuickPoints, role=ORGANIZER, action=ACTION)
def quick_points(ctx: Context, data: QuickPoints) -> Result:
    """One of the quick point choices."""
    return take_points(ctx, data.points)


@router.state(EXPECT_POINTS)
def typed_points(ctx: Context, text: str) -> Result:
    """Points typed by hand; a stale step makes the text a search again."""
    if CREDIT.get(ctx) is None:
        ctx.expect = ""
        return fallback(ctx, text)
    return take_points(ctx, text)


@router.state(EXPECT_REASON)
def take_reason(ctx: Context, text: str) -> Result:
    """Keep the reason and ask to confirm."""
    step = CREDIT.get(ctx)
    if step is None or "points" not in step:
        ctx.expect = ""
        return fallback(ctx, text)
    found = _credit_target(ctx, step["rid"])
    if isinstance(found, Reply):
        ctx.expect = ""
        return found
    reason = text.strip()
    if not 2 <= len(reason) <= 60:
        ctx.expect = EXPECT_REASON
        return Reply(ctx.t("credit_bad_reason"), (menu_button(ctx),))
    step["reason"] = reason
    CREDIT.keep(ctx)
    return Reply(ctx.t("credit_confirm", name=found.name, points=f"{step['points']:+d}", reason=reason),
                 (Choice(ctx.t("btn_confirm"), ConfirmCredit().pack()), Choice(ctx.t("btn_cancel_form"), "menu")))


@router.payload(ConfirmCredit, role=ORGANIZER, action=ACTION)
def write_credit(ctx: Context, data: ConfirmCredit) -> Reply:
    """Write the entry, audit it and tell the volunteer."""
    step = CREDIT.leave(ctx)  # a second tap on 确认 writes nothing more
    if step is None or "reason" not in step:
        return Reply(ctx.t("credit_expired"), (Choice(ctx.t("btn_credit"), Credit().pack()), menu_button(ctx)))
    found = _credit_target(ctx, step["rid"])
    if isinstance(found, Reply):
        return found
    after = (Choice(ctx.t("btn_credit_more"), Credit().pack()), menu_button(ctx))
    result = credit_by_hand(ctx.session, found.resident_id, step["points"], step["reason"],
                            actor_name(ctx), ctx.now)
    if result.status == "not_enough":
        return Reply(ctx.t("credit_not_enough", name=found.name, balance=result.balance), after)
    if result.status != "done":
        return Reply(ctx.t("vols_missing"), after)
    record_staff_action(ctx, ACTION, f"resident:{found.resident_id}",
                        points=step["points"], reason=step["reason"], entry=result.entry.id)
    tell(ctx, found.resident_id, f"points:entry:{result.entry.id}", "points",
         Reply(ctx.t("credit_push", points=f"{step['points']:+d}", reason=step["reason"],
                     balance=result.balance), (Choice(ctx.t("btn_points"), Points().pack()),)))
    return Reply(ctx.t("credit_done", name=found.name, points=f"{step['points']:+d}",
                       balance=result.balance), after)
