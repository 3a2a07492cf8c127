"""/credit: an organizer adds (or takes away) a volunteer's points by hand, with a reason."""
from __future__ import annotations

import re

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.messages import Choice, Reply
from bot.dialogs.router import TEXTS, Result, on_payload, on_text
from bot.dialogs.staff_access import actor_name, record_staff_action, refuse_unless
from bot.dialogs.states import CREDIT
from bot.dialogs.volunteer_staff_flow import arg_id, paged, tell
from store.models import Volunteer
from store.models.staff import ORGANIZER
from store.points import balance, credit_by_hand
from store.roles import communities_of
from store.volunteers import volunteer_of, volunteers_in

QUICK_POINTS = (1, 2, 5, 10, 20)
_POINTS = re.compile(r"^([+\-−－]?)\s*(\d{1,4})\s*分?$")


def _volunteer_choices(volunteers: list[Volunteer], ctx: Context) -> list[Choice]:
    return [Choice(ctx.t("vols_label", name=v.name, community=v.community), f"crv:{v.resident_id}")
            for v in volunteers]


@on_payload("credit")
def choose_volunteer(ctx: Context, args: list[str]) -> Reply:
    """Whom to credit: a list, or type part of a name."""
    refused = refuse_unless(ctx, ORGANIZER, "points.credit")
    if refused:
        return refused
    people = volunteers_in(ctx.session, communities_of(ctx.session, ctx.resident_id, ORGANIZER))
    if not people:
        return Reply(ctx.t("credit_nobody"), (menu_button(ctx),))
    ctx.expect = "credit_who"
    choices, note = paged(ctx, _volunteer_choices(people, ctx), args, "credit", menu_button(ctx))
    return Reply(ctx.t("credit_who") + note, tuple(choices))


@on_text("credit_who")
def find_volunteer(ctx: Context, text: str) -> Result:
    """Volunteers whose name contains what was typed."""
    refused = refuse_unless(ctx, ORGANIZER, "points.credit")
    if refused:
        return refused
    people = volunteers_in(ctx.session, communities_of(ctx.session, ctx.resident_id, ORGANIZER),
                           name_part=text.strip()[:20])
    ctx.expect = "credit_who"
    if not people:
        return Reply(ctx.t("credit_no_match", text=text[:20]), (menu_button(ctx),))
    size = ctx.settings.dialogs.page_size
    return Reply(ctx.t("credit_who"), tuple(_volunteer_choices(people[:size], ctx) + [menu_button(ctx)]))


def _credit_target(ctx: Context, resident_id: int | None, action: str) -> Volunteer | Reply:
    found = volunteer_of(ctx.session, resident_id) if resident_id is not None else None
    refused = refuse_unless(ctx, ORGANIZER, action, community=found.community if found else None)
    if refused:
        return refused
    if found is None:
        return Reply(ctx.t("vols_missing"), (Choice(ctx.t("btn_back"), "credit"), menu_button(ctx)))
    return found


@on_payload("crv")
def ask_points(ctx: Context, args: list[str]) -> Reply:
    """How many points (a quick choice, or typed like "15分"; "-5分" takes points away)."""
    found = _credit_target(ctx, arg_id(args), "points.credit")
    if isinstance(found, Reply):
        return found
    ctx.expect = "credit_points"
    CREDIT.enter(ctx, {"rid": found.resident_id})
    quick = [Choice(ctx.t("credit_n_points", n=n), f"crp:{n}") for n in QUICK_POINTS]
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
    found = _credit_target(ctx, step["rid"] if step else None, "points.credit")
    if isinstance(found, Reply):
        ctx.expect = ""
        return found
    most = ctx.settings.points.max_manual_points
    points = parse_points(raw, most)
    if points is None:
        ctx.expect = "credit_points"
        return Reply(ctx.t("credit_bad_points", most=most), (menu_button(ctx),))
    step["points"] = points
    CREDIT.keep(ctx)
    ctx.expect = "credit_reason"
    return Reply(ctx.t("credit_ask_reason", name=found.name, points=f"{points:+d}"), (menu_button(ctx),))


@on_payload("crp")
def quick_points(ctx: Context, args: list[str]) -> Result:
    """One of the quick point choices."""
    return take_points(ctx, args[0] if args else "")


@on_text("credit_points")
def typed_points(ctx: Context, text: str) -> Result:
    """Points typed by hand; a stale step makes the text a search again."""
    if CREDIT.get(ctx) is None:
        ctx.expect = ""
        return TEXTS["search"](ctx, text)
    return take_points(ctx, text)


@on_text("credit_reason")
def take_reason(ctx: Context, text: str) -> Result:
    """Keep the reason and ask to confirm."""
    step = CREDIT.get(ctx)
    if step is None or "points" not in step:
        ctx.expect = ""
        return TEXTS["search"](ctx, text)
    found = _credit_target(ctx, step["rid"], "points.credit")
    if isinstance(found, Reply):
        ctx.expect = ""
        return found
    reason = text.strip()
    if not 2 <= len(reason) <= 60:
        ctx.expect = "credit_reason"
        return Reply(ctx.t("credit_bad_reason"), (menu_button(ctx),))
    step["reason"] = reason
    CREDIT.keep(ctx)
    return Reply(ctx.t("credit_confirm", name=found.name, points=f"{step['points']:+d}", reason=reason),
                 (Choice(ctx.t("btn_confirm"), "crok"), Choice(ctx.t("btn_cancel_form"), "menu")))


@on_payload("crok")
def write_credit(ctx: Context, args: list[str]) -> Reply:
    """Write the entry, audit it and tell the volunteer."""
    refused = refuse_unless(ctx, ORGANIZER, "points.credit")
    if refused:
        return refused
    step = CREDIT.leave(ctx)  # a second tap on 确认 writes nothing more
    if step is None or "reason" not in step:
        return Reply(ctx.t("credit_expired"), (Choice(ctx.t("btn_credit"), "credit"), menu_button(ctx)))
    found = _credit_target(ctx, step["rid"], "points.credit")
    if isinstance(found, Reply):
        return found
    after = (Choice(ctx.t("btn_credit_more"), "credit"), menu_button(ctx))
    result = credit_by_hand(ctx.session, found.resident_id, step["points"], step["reason"],
                            actor_name(ctx), ctx.now)
    if result.status == "not_enough":
        return Reply(ctx.t("credit_not_enough", name=found.name, balance=result.balance), after)
    if result.status != "done":
        return Reply(ctx.t("vols_missing"), after)
    record_staff_action(ctx, "points.credit", f"resident:{found.resident_id}",
                        points=step["points"], reason=step["reason"], entry=result.entry.id)
    tell(ctx, found.resident_id, f"points:entry:{result.entry.id}", "points",
         Reply(ctx.t("credit_push", points=f"{step['points']:+d}", reason=step["reason"],
                     balance=result.balance), (Choice(ctx.t("btn_points"), "pts"),)))
    return Reply(ctx.t("credit_done", name=found.name, points=f"{step['points']:+d}",
                       balance=result.balance), after)
