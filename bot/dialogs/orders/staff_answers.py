"""The answers staff type to an order's question: a reason (婉拒), a date (接单), a headcount and
hours (完成)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.orders.callbacks import Desk
from bot.dialogs.orders.render import expect_number, format_day, order_facts, push, typed_number
from bot.dialogs.orders.staff import (STEP_EXPECT, drop_step, gate, illegal_move, not_now_button, order_missing,
                                      view_button)
from bot.dialogs.orders.credit import ask_hours, hours_answer, present_answer
from bot.dialogs.router import Router
from bot.dialogs.staff_access import record_staff_action
from bot.messages import Choice, Reply
from store.models.orders import ServiceOrder
from store.orders import accept_order, decline_order, last_dispatcher, return_order

QUIT_WORDS = ("取消", "不了", "退出", "算了")
MAX_HEADCOUNT = 100000
FAR_AHEAD = timedelta(days=366)
NEXT_YEAR_AFTER = timedelta(days=60)
router = Router("orders.staff_answers")
_DATE = re.compile(r"^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")


def parse_day(text: str, today: date) -> date | str:
    """The date in '12-20', '12月20日' or '2026-12-20', or the text key saying what is wrong.

    Without a year it is this year's date, or next year's when this year's is long gone
    ('1-5' typed in December)."""
    match = _DATE.match(text.strip())
    if not match:
        return "order_bad_date"
    year = int(match.group(1)) if match.group(1) else today.year
    try:
        day = date(year, int(match.group(2)), int(match.group(3)))
        if not match.group(1) and today - day > NEXT_YEAR_AFTER:
            day = date(year + 1, day.month, day.day)
    except ValueError:
        return "order_bad_date"
    if day <= today:
        return "order_past_date"
    if day - today > FAR_AHEAD:
        return "order_far_date"
    return day


@router.state(STEP_EXPECT)
def typed_answer(ctx: Context, text: str) -> Reply:
    """The reason, date or headcount the pending question asked for."""
    pending = ctx.data.get("order_staff") or {}
    order = ctx.session.get(ServiceOrder, pending.get("order") or 0)
    if order is None:
        ctx.data.pop("order_staff", None)
        return order_missing(ctx)
    if text in QUIT_WORDS:
        return drop_step(ctx)
    step = pending.get("step")
    if step == "complete":
        return _complete(ctx, order, typed_number(text))
    if step == "hours":
        return hours_answer(ctx, order, text)
    if step == "present":
        return present_answer(ctx, order, text)
    if step == "accept":
        return _accept(ctx, order, text)
    if step in ("decline", "return"):
        return _with_reason(ctx, order, step, text)
    ctx.data.pop("order_staff", None)
    return order_missing(ctx)


def _again(ctx: Context, key: str) -> Reply:
    ctx.expect = STEP_EXPECT
    return Reply(ctx.t(key), (not_now_button(ctx),))


def _done_step(ctx: Context) -> None:
    ctx.expect = ""
    ctx.data.pop("order_staff", None)


def _with_reason(ctx: Context, order: ServiceOrder, step: str, text: str) -> Reply:
    if not text.strip():
        return _again(ctx, "order_ask_reason_again")
    decline = step == "decline"
    refused = gate(ctx, order, f"order.{step}", organizer=decline, team=not decline)
    if refused:
        _done_step(ctx)
        return refused
    mover = decline_order if decline else return_order
    team_name = order_facts(ctx, order)["team"]
    result = mover(ctx.session, order.id, text, ctx.resident_id, ctx.now)
    _done_step(ctx)
    if result.status != "moved":
        return illegal_move(ctx, result, step)
    order = result.order
    record_staff_action(ctx, f"order.{step}", f"order:{order.number}", reason=text.strip())
    facts = order_facts(ctx, order) | {"reason": text.strip(), "team": team_name}
    after = (Choice(ctx.t("btn_order_list"), Desk().pack()), menu_button(ctx))
    if decline:
        push(ctx, order.ordered_by, order, result.event, Reply(ctx.t("order_push_declined", **facts)))
        return Reply(ctx.t("order_declined", number=order.number), after)
    push(ctx, last_dispatcher(ctx.session, order.id), order, result.event, Reply(
        ctx.t("order_push_returned", **facts), (view_button(ctx, order),)))
    push(ctx, order.ordered_by, order, result.event, Reply(ctx.t("order_push_rearranging", **facts)))
    return Reply(ctx.t("order_returned", number=order.number), after)


def _accept(ctx: Context, order: ServiceOrder, text: str) -> Reply:
    day = parse_day(text, to_local(ctx.now, ctx.tz).date())
    if isinstance(day, str):
        return _again(ctx, day)
    refused = gate(ctx, order, "order.accept", organizer=False, team=True)
    if refused:
        _done_step(ctx)
        return refused
    result = accept_order(ctx.session, order.id, day, ctx.resident_id, ctx.now)
    _done_step(ctx)
    if result.status != "moved":
        return illegal_move(ctx, result, "accept")
    order = result.order
    record_staff_action(ctx, "order.accept", f"order:{order.number}", date=day.isoformat())
    facts = order_facts(ctx, order) | {"date": format_day(ctx, day)}
    push(ctx, order.ordered_by, order, result.event, Reply(ctx.t("order_push_accepted", **facts)))
    view = (view_button(ctx, order),)
    push(ctx, last_dispatcher(ctx.session, order.id), order, result.event,
         Reply(ctx.t("order_push_team_accepted", **facts), view))
    return Reply(ctx.t("order_accepted", number=order.number, date=facts["date"]),
                 (Choice(ctx.t("btn_order_list"), Desk().pack()), menu_button(ctx)))


def _complete(ctx: Context, order: ServiceOrder, headcount: int | None) -> Reply:
    if headcount is None or headcount > MAX_HEADCOUNT:
        ctx.expect = STEP_EXPECT
        return expect_number(ctx, Reply(ctx.t("order_bad_headcount")))
    refused = gate(ctx, order, "order.complete", organizer=True, team=True)
    if refused:
        _done_step(ctx)
        return refused
    return ask_hours(ctx, order, headcount)
