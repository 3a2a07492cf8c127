"""派单 / 接单 / 完成 for organizers and service teams: the lists, the order page and the questions.

Every action checks the store (role or team membership) and is audited; the answers to the
questions asked here (a reason, a date, a headcount) are taken in order_staff_answers.
"""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.order_render import expect_number, order_detail, order_facts, order_line, push
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.messages import Choice, Reply
from bot.dialogs.legacy import add_menu_item, on_payload
from bot.dialogs.staff_access import actor_name, record_staff_action, refuse_unless
from store.models.orders import ACCEPTED, DISPATCHED, ORDERED, ServiceOrder, ServiceTeam
from store.models.staff import ORGANIZER
from store.orders import MoveResult, dispatch_order, open_orders, team_orders
from store.teams import is_team_member, team_ids_of, teams_for
from store.roles import audit, communities_of, has_role

STEP_EXPECT = "order_staff"

add_menu_item(80, "btn_order_desk", "orders", where="more")


def _order(ctx: Context, args: list[str]) -> ServiceOrder | None:
    return ctx.session.get(ServiceOrder, int(args[0])) if args and args[0].isdigit() else None


def order_missing(ctx: Context) -> Reply:
    """No such order (or a forged number)."""
    return Reply(ctx.t("order_missing"), (Choice(ctx.t("btn_order_list"), "orders"), menu_button(ctx)))


def _is_organizer(ctx: Context, order: ServiceOrder) -> bool:
    return has_role(ctx.session, ctx.resident_id, ORGANIZER, order.community)


def _in_team(ctx: Context, order: ServiceOrder) -> bool:
    return is_team_member(ctx.session, order.team_id, ctx.resident_id)


def gate(ctx: Context, order: ServiceOrder, action: str, organizer: bool, team: bool) -> Reply | None:
    """None when the person may do the action on this order; otherwise a refusal, audited."""
    if team and _in_team(ctx, order):
        return None
    if organizer:
        return refuse_unless(ctx, ORGANIZER, action, community=order.community)
    audit(ctx.session, "refused", actor_resident_id=ctx.resident_id, actor=actor_name(ctx),
          target=action, detail={"needs": "team", "order": order.number}, now=ctx.now)
    return Reply(ctx.t("order_not_team"), (menu_button(ctx),))


@on_payload("orders")
def desk(ctx: Context, args: list[str]) -> Reply:
    """/orders: open orders for organizers, their team's orders for team members."""
    if has_role(ctx.session, ctx.resident_id, ORGANIZER):
        communities = communities_of(ctx.session, ctx.resident_id, ORGANIZER)
        orders, title = open_orders(ctx.session, communities), "desk_title"
    elif team_ids_of(ctx.session, ctx.resident_id):
        orders, title = team_orders(ctx.session, ctx.resident_id), "team_desk_title"
    else:
        return refuse_unless(ctx, ORGANIZER, "orders.list")
    if not orders:
        return Reply(ctx.t("desk_empty"), (menu_button(ctx),))
    items = [Choice(order_line(ctx, o, for_desk=True)[:60], f"so:{o.id}") for o in orders]
    pages = page_count(len(items), ctx.settings.dialogs.page_size)
    choices, note = render_choices(ctx, items, clamp_page(args[0] if args else None, pages),
                                   lambda p: f"orders:{p}", menu_button(ctx))
    return Reply(ctx.t(title) + note, tuple(choices))


@on_payload("so")
def staff_order(ctx: Context, args: list[str]) -> Reply:
    """One order as staff see it, with what they may do next."""
    order = _order(ctx, args)
    if order is None:
        return order_missing(ctx)
    refused = gate(ctx, order, "order.view", organizer=True, team=True)
    if refused:
        return refused
    choices = []
    if order.status == ORDERED and _is_organizer(ctx, order):
        choices += [Choice(ctx.t("btn_dispatch"), f"sod:{order.id}"),
                    Choice(ctx.t("btn_decline"), f"sox:{order.id}")]
    if order.status == DISPATCHED and _in_team(ctx, order):
        choices += [Choice(ctx.t("btn_accept"), f"soa:{order.id}"),
                    Choice(ctx.t("btn_decline"), f"sor:{order.id}")]
    if order.status == ACCEPTED:
        choices.append(Choice(ctx.t("btn_complete"), f"soc:{order.id}"))
    choices += [Choice(ctx.t("btn_order_list"), "orders"), menu_button(ctx)]
    return Reply(order_detail(ctx, order), tuple(choices))


def illegal_move(ctx: Context, result: MoveResult, action: str) -> Reply:
    """Why a move was refused, in words."""
    if result.order is None:
        return order_missing(ctx)
    order = result.order
    text = ctx.t("order_illegal", number=order.number, status=ctx.t(f"order_status_{order.status}"),
                 action=ctx.t(f"order_action_{action}"))
    return Reply(text, (Choice(ctx.t("btn_view_order"), f"so:{order.id}"), menu_button(ctx)))


def _precheck(ctx: Context, order: ServiceOrder, status: str, action: str) -> Reply | None:
    """Refuse before asking a question when the order cannot make the move anyway."""
    return None if order.status == status else illegal_move(ctx, MoveResult("illegal", order), action)


def wait_for(ctx: Context, order: ServiceOrder, step: str, question: Reply) -> Reply:
    """Ask a question about an order; the answer goes to order_staff_answers."""
    ctx.expect = STEP_EXPECT
    ctx.data["order_staff"] = {"order": order.id, "step": step}
    return question


@on_payload("sod")
def pick_team(ctx: Context, args: list[str]) -> Reply:
    """派单: the teams that serve the order's community."""
    order = _order(ctx, args)
    if order is None:
        return order_missing(ctx)
    refused = gate(ctx, order, "order.dispatch", organizer=True, team=False)
    if refused or (refused := _precheck(ctx, order, ORDERED, "dispatch")):
        return refused
    teams = teams_for(ctx.session, order.community)
    back = Choice(ctx.t("btn_back"), f"so:{order.id}")
    if not teams:
        return Reply(ctx.t("dispatch_no_team", community=order.community), (back, menu_button(ctx)))
    items = [Choice(team.name[:40], f"sot:{order.id}:{team.id}") for team in teams]
    return Reply(ctx.t("dispatch_pick_team", number=order.number), tuple(items) + (back,))


@on_payload("sot")
def dispatch(ctx: Context, args: list[str]) -> Reply:
    """派单 to the chosen team; the team leader and the resident are told."""
    order = _order(ctx, args)
    if order is None or len(args) < 2 or not args[1].isdigit():
        return order_missing(ctx)
    refused = gate(ctx, order, "order.dispatch", organizer=True, team=False)
    if refused:
        return refused
    result = dispatch_order(ctx.session, order.id, int(args[1]), ctx.resident_id, ctx.now)
    if result.status == "bad_input":
        return Reply(ctx.t("dispatch_bad_team"),
                     (Choice(ctx.t("btn_dispatch"), f"sod:{order.id}"), menu_button(ctx)))
    if result.status != "moved":
        return illegal_move(ctx, result, "dispatch")
    order, team = result.order, ctx.session.get(ServiceTeam, int(args[1]))
    record_staff_action(ctx, "order.dispatch", f"order:{order.number}", team=team.name)
    facts = order_facts(ctx, order)
    push(ctx, order.ordered_by, order, result.event, Reply(ctx.t("order_push_dispatched", **facts)))
    push(ctx, team.leader_id, order, result.event, Reply(ctx.t("order_push_to_team", **facts), (
        Choice(ctx.t("btn_accept"), f"soa:{order.id}"), Choice(ctx.t("btn_decline"), f"sor:{order.id}"),
        Choice(ctx.t("btn_view_order"), f"so:{order.id}"))))
    key = "order_dispatched" if team.leader_id else "order_dispatched_no_leader"
    return Reply(ctx.t(key, number=order.number, team=team.name),
                 (Choice(ctx.t("btn_order_list"), "orders"), menu_button(ctx)))


@on_payload("sox")
def ask_decline(ctx: Context, args: list[str]) -> Reply:
    """婉拒 by the organizer: ask the reason first."""
    order = _order(ctx, args)
    if order is None:
        return order_missing(ctx)
    refused = gate(ctx, order, "order.decline", organizer=True, team=False)
    if refused or (refused := _precheck(ctx, order, ORDERED, "decline")):
        return refused
    return wait_for(ctx, order, "decline", Reply(ctx.t("order_ask_decline", number=order.number),
                                                  (Choice(ctx.t("btn_not_now_order"), "sno"),)))


@on_payload("sor")
def ask_return(ctx: Context, args: list[str]) -> Reply:
    """婉拒 by the team: ask the reason first."""
    order = _order(ctx, args)
    if order is None:
        return order_missing(ctx)
    refused = gate(ctx, order, "order.return", organizer=False, team=True)
    if refused or (refused := _precheck(ctx, order, DISPATCHED, "return")):
        return refused
    return wait_for(ctx, order, "return", Reply(ctx.t("order_ask_return", number=order.number),
                                                 (Choice(ctx.t("btn_not_now_order"), "sno"),)))


@on_payload("soa")
def ask_date(ctx: Context, args: list[str]) -> Reply:
    """接单: ask the date of the service."""
    order = _order(ctx, args)
    if order is None:
        return order_missing(ctx)
    refused = gate(ctx, order, "order.accept", organizer=False, team=True)
    if refused or (refused := _precheck(ctx, order, DISPATCHED, "accept")):
        return refused
    return wait_for(ctx, order, "accept", Reply(
        ctx.t("order_ask_date", number=order.number, dates=order.preferred_dates or "—"),
        (Choice(ctx.t("btn_not_now_order"), "sno"),)))


@on_payload("soc")
def ask_headcount(ctx: Context, args: list[str]) -> Reply:
    """完成: ask how many people were served."""
    order = _order(ctx, args)
    if order is None:
        return order_missing(ctx)
    refused = gate(ctx, order, "order.complete", organizer=True, team=True)
    if refused or (refused := _precheck(ctx, order, ACCEPTED, "complete")):
        return refused
    question = Reply(ctx.t("order_ask_headcount", number=order.number))
    return expect_number(ctx, wait_for(ctx, order, "complete", question))


@on_payload("sno")
def drop_step(ctx: Context, args: list[str]) -> Reply:
    """Leave the question unanswered; nothing changes."""
    pending = ctx.data.pop("order_staff", None) or {}
    back = (Choice(ctx.t("btn_view_order"), f"so:{pending['order']}"),) if pending.get("order") else ()
    return Reply(ctx.t("order_step_dropped"),
                 back + (Choice(ctx.t("btn_order_list"), "orders"), menu_button(ctx)))
