"""完成 an order: after the headcount, how long the team served and (for a team of several) who was
there; the order is closed and each volunteer present credited in the same transaction, each told by a push."""
from __future__ import annotations

import re
from decimal import Decimal

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.orders.callbacks import Desk, Hours, Present, StaffOrder
from bot.dialogs.orders.render import expect_number, order_grade_choices, poll_text, push, service_name, team_name
from bot.dialogs.orders.staff import ORDER, STEP_EXPECT, gate, illegal_move, order_missing, wait_for
from bot.dialogs.points_push import format_hours, tell_credited
from bot.dialogs.router import Router
from bot.dialogs.staff_access import person_name, record_staff_action
from bot.messages import Choice, Reply
from store.models.orders import ServiceOrder
from store.orders import complete_order
from store.points import credit_for_order, hours_to_minutes
from store.teams import team_people

router = Router("orders.credit")

HOUR_CHOICES = (1, 2, 3, 4, 5, 6)  # a tap on N is the same as typing N
MAX_HOURS = 24
_ALL_THERE = {"全到", "全部", "都到了", "全部到了", "全员"}
_HOURS = re.compile(r"^(?:约|大约|大概|共)?\s*(\d{1,2}(?:\.\d{1,2})?)\s*(?:个)?\s*(?:小时|钟头|h)?\s*(?:左右)?$",
                    re.IGNORECASE)


def typed_hours(text: str) -> Decimal | None:
    """The hours in '2', '1.5', '3小时', '大约 2 个小时', or None; more than 0 and at most a day."""
    match = _HOURS.match(text.strip())
    hours = Decimal(match.group(1)) if match else None
    return hours if hours is not None and 0 < hours <= MAX_HOURS else None


def ask_hours(ctx: Context, order: ServiceOrder, headcount: int) -> Reply:
    """The second question of 完成: how many hours each volunteer served."""
    choices = tuple(Choice(ctx.t("btn_hours", n=n), Hours(order.id, str(n)).pack()) for n in HOUR_CHOICES)
    question = wait_for(ctx, order, "hours", Reply(ctx.t("order_ask_hours", number=order.number), choices))
    ctx.data["order_staff"]["headcount"] = headcount
    return expect_number(ctx, question)


def hours_answer(ctx: Context, order: ServiceOrder, text: str) -> Reply:
    """The typed answer to ask_hours; a bad one is asked again."""
    hours = typed_hours(text)
    if hours is None:
        ctx.expect = STEP_EXPECT
        return expect_number(ctx, Reply(ctx.t("order_bad_hours", max=MAX_HOURS)))
    return who_was_there(ctx, order, hours)


@router.payload(Hours, load=ORDER)
def tapped_hours(ctx: Context, data: Hours, order: ServiceOrder) -> Reply:
    """A tap on one of the hour choices."""
    hours = typed_hours(data.hours)
    if hours is None:
        return order_missing(ctx)
    return who_was_there(ctx, order, hours)


def who_was_there(ctx: Context, order: ServiceOrder, hours: Decimal) -> Reply:
    """The third question of 完成, for a team of several: which members served (or 全到)."""
    people = team_people(ctx.session, order.team_id)
    if len(people) <= 1:
        return complete_with_hours(ctx, order, hours, people)
    pending = ctx.data.get("order_staff") or {}
    if pending.get("order") != order.id:
        return complete_with_hours(ctx, order, hours, people)  # answers "stale" as before
    names = "\n".join(f"{n}. {person_name(ctx, rid)}" for n, rid in enumerate(people, 1))
    question = Reply(ctx.t("order_ask_present", number=order.number, names=names),
                     (Choice(ctx.t("btn_all_present"), Present(order.id, "all").pack()),))
    headcount = pending.get("headcount")
    wait_for(ctx, order, "present", question)
    ctx.data["order_staff"].update(headcount=headcount, hours=str(hours))
    return expect_number(ctx, question)


def present_answer(ctx: Context, order: ServiceOrder, text: str) -> Reply:
    """The typed answer to who_was_there: "1 3", "1、3" or 全到; a bad one is asked again."""
    pending = ctx.data.get("order_staff") or {}
    people = team_people(ctx.session, order.team_id)
    hours = typed_hours(pending.get("hours") or "")
    if hours is None:
        return complete_with_hours(ctx, order, Decimal(0), people)
    if text.strip() in _ALL_THERE:
        return complete_with_hours(ctx, order, hours, people)
    picked = [int(n) for n in re.findall(r"\d+", text)]
    if not picked or not re.fullmatch(r"[\d\s,，、.。和]+", text.strip()) \
            or any(not 1 <= n <= len(people) for n in picked):
        ctx.expect = STEP_EXPECT
        return expect_number(ctx, Reply(ctx.t("order_bad_present", total=len(people)),
                                        (Choice(ctx.t("btn_all_present"), Present(order.id, "all").pack()),)))
    return complete_with_hours(ctx, order, hours, [people[n - 1] for n in dict.fromkeys(picked)])


@router.payload(Present, load=ORDER)
def all_present(ctx: Context, data: Present, order: ServiceOrder) -> Reply:
    """全到: every member of the team served."""
    pending = ctx.data.get("order_staff") or {}
    hours = typed_hours(pending.get("hours") or "")
    if data.choice != "all" or hours is None:
        hours = Decimal(0)  # answered as stale below
    return complete_with_hours(ctx, order, hours, team_people(ctx.session, order.team_id))


def complete_with_hours(ctx: Context, order: ServiceOrder, hours: Decimal, present: list[int]) -> Reply:
    """完成 with the headcount asked before: close the order, credit those present, ask for a rating."""
    pending = ctx.data.pop("order_staff", None) or {}
    ctx.expect = ""
    headcount = pending.get("headcount")
    if pending.get("order") != order.id or not isinstance(headcount, int) or hours <= 0:
        return Reply(ctx.t("order_hours_stale", number=order.number),
                     (Choice(ctx.t("btn_view_order"), StaffOrder(order.id).pack()), menu_button(ctx)))
    refused = gate(ctx, order, "order.complete", organizer=True, team=True)
    if refused:
        return refused
    team = team_name(ctx, order)
    result = complete_order(ctx.session, order.id, headcount, ctx.resident_id, ctx.now)
    if result.status != "moved":
        return illegal_move(ctx, result, "complete")
    order = result.order
    entries = credit_for_order(ctx.session, order.id, present, hours,
                               reason=service_name(ctx, order), now=ctx.now, rules=ctx.settings.points)
    record_staff_action(ctx, "order.complete", f"order:{order.number}", headcount=headcount,
                        hours=str(hours), credited=len(entries))
    what = ctx.t("points_for_order", service=service_name(ctx, order), number=order.number)
    for entry in entries:
        tell_credited(ctx.session, entry, what, ctx.now, ctx.lang)
    push(ctx, order.ordered_by, order, result.event,
         Reply(poll_text(ctx, order), order_grade_choices(order.id)), kind="order_poll")
    shown = format_hours(hours_to_minutes(hours))
    credited = (ctx.t("order_credited", team=team, n=len(entries), hours=shown, points=entries[0].points)
                if entries else ctx.t("order_credited_nobody", team=team))
    return Reply(ctx.t("order_completed", number=order.number, headcount=headcount) + "\n" + credited,
                 (Choice(ctx.t("btn_order_list"), Desk().pack()), menu_button(ctx)))
