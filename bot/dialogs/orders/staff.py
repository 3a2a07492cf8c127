"""派单 / 接单 / 完成 for organizers and service teams: the lists, the order page and the questions.

Every button declares who may press it (organizers of the order's community, members of its
team, or both) and is refused and audited otherwise; the answers to the questions asked here (a
reason, a date, a headcount) are taken in staff_answers.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.orders.callbacks import (AskDate, AskDecline, AskHeadcount, AskReturn, Desk, Dispatch, DropStep,
                                          PickTeam, RevealPhone, StaffOrder)
from bot.dialogs.orders.render import expect_number, order_detail, order_facts, order_line, push
from bot.dialogs.paging import paged
from bot.dialogs.router import Load, Router
from bot.dialogs.staff_access import actor_name, record_staff_action, refuse, refuse_unless
from bot.messages import Choice, Reply
from store.models.orders import ACCEPTED, DISPATCHED, OPEN_STATUSES, ORDERED, ServiceOrder, ServiceTeam
from store.models.staff import ORGANIZER
from store.orders import MoveResult, dispatch_order, open_orders, team_orders
from store.roles import audit, communities_of, has_role
from store.teams import is_team_member, team_ids_of, teams_for

STEP_EXPECT = "order_staff"

router = Router("orders.staff")
router.menu(80, "btn_order_desk", Desk, shown_to=lambda ctx: DeskGate.allows(ctx))
router.keywords({"/orders", "派单"}, Desk)


def order_missing(ctx: Context) -> Reply:
    """No such order (or a forged number)."""
    return Reply(ctx.t("order_missing"), (Choice(ctx.t("btn_order_list"), Desk().pack()), menu_button(ctx)))


# The order a staff button names.
ORDER = Load(lambda ctx, data: ctx.session.get(ServiceOrder, data.order), missing=order_missing)


def _is_organizer(ctx: Context, order: ServiceOrder) -> bool:
    return has_role(ctx.session, ctx.resident_id, ORGANIZER, order.community, order.unit_id)


def _in_team(ctx: Context, order: ServiceOrder) -> bool:
    return is_team_member(ctx.session, order.team_id, ctx.resident_id)


def gate(ctx: Context, order: ServiceOrder, action: str, organizer: bool, team: bool) -> Reply | None:
    """None when the person may do the action on this order; otherwise a refusal, audited."""
    if team and _in_team(ctx, order):
        return None
    if organizer:
        return refuse_unless(ctx, ORGANIZER, action, community=order.community, unit_id=order.unit_id)
    audit(ctx.session, "refused", actor_resident_id=ctx.resident_id, actor=actor_name(ctx),
          target=action, detail={"needs": "team", "order": order.number}, now=ctx.now)
    return Reply(ctx.t("order_not_team"), (menu_button(ctx),))


@dataclass(frozen=True)
class OrderGate:
    """A button's guard: organizers of the order's community, members of the order's team, or both."""

    action: str
    organizer: bool
    team: bool

    def refusal(self, ctx: Context, order: ServiceOrder | None) -> Reply | None:
        """None to go on (a missing order gets the loader's answer); otherwise the audited refusal."""
        return gate(ctx, order, self.action, self.organizer, self.team) if order is not None else None


@dataclass(frozen=True)
class DeskGate:
    """/orders: organizers see open orders, team members their team's."""

    action: str = "orders.list"

    @staticmethod
    def allows(ctx: Context) -> bool:
        """Organizers and members of a service team."""
        return has_role(ctx.session, ctx.resident_id, ORGANIZER) or bool(team_ids_of(ctx.session, ctx.resident_id))

    def refusal(self, ctx: Context, record: object) -> Reply | None:
        """None for organizers and team members; otherwise the audited refusal."""
        if self.allows(ctx):
            return None
        return refuse(ctx, ORGANIZER, self.action)


@router.payload(Desk, role=DeskGate())
def desk(ctx: Context, data: Desk) -> Reply:
    """/orders: open orders for organizers, their team's orders for team members."""
    if has_role(ctx.session, ctx.resident_id, ORGANIZER):
        communities = communities_of(ctx.session, ctx.resident_id, ORGANIZER)
        orders, title = open_orders(ctx.session, communities), "desk_title"
    else:
        orders, title = team_orders(ctx.session, ctx.resident_id), "team_desk_title"
    if not orders:
        return Reply(ctx.t("desk_empty"), (menu_button(ctx),))
    items = [Choice(order_line(ctx, o, for_desk=True)[:60], StaffOrder(o.id).pack()) for o in orders]
    choices, note = paged(ctx, items, data.page, lambda p: Desk(p).pack(), menu_button(ctx))
    return Reply(ctx.t(title) + note, tuple(choices))


@router.payload(StaffOrder, role=OrderGate("order.view", organizer=True, team=True), load=ORDER)
def staff_order(ctx: Context, data: StaffOrder, order: ServiceOrder) -> Reply:
    """One order as staff see it, with what they may do next."""
    choices = []
    if order.status == ORDERED and _is_organizer(ctx, order):
        choices += [Choice(ctx.t("btn_dispatch"), PickTeam(order.id).pack()),
                    Choice(ctx.t("btn_decline"), AskDecline(order.id).pack())]
    if order.status == DISPATCHED and _in_team(ctx, order):
        choices += [Choice(ctx.t("btn_accept"), AskDate(order.id).pack()),
                    Choice(ctx.t("btn_decline"), AskReturn(order.id).pack())]
    if order.status == ACCEPTED:
        choices.append(Choice(ctx.t("btn_complete"), AskHeadcount(order.id).pack()))
    if order.contact_phone and order.status in OPEN_STATUSES:
        choices.append(Choice(ctx.t("btn_reveal_phone"), RevealPhone(order.id).pack()))
    choices += [Choice(ctx.t("btn_order_list"), Desk().pack()), menu_button(ctx)]
    return Reply(order_detail(ctx, order), tuple(choices))


@router.payload(RevealPhone, role=OrderGate("order.phone", organizer=True, team=True), load=ORDER)
def reveal_phone(ctx: Context, data: RevealPhone, order: ServiceOrder) -> Reply:
    """The contact's full number while the order is open, to the organizer or team that must call;
    who looked, at whose number, when and why goes to the audit log."""
    back = (Choice(ctx.t("btn_view_order"), StaffOrder(order.id).pack()), menu_button(ctx))
    if not order.contact_phone or order.status not in OPEN_STATUSES:
        return Reply(ctx.t("order_phone_closed"), back)
    audit(ctx.session, "phone.revealed", actor_resident_id=ctx.resident_id, actor=actor_name(ctx),
          target=f"resident:{order.ordered_by}",
          detail={"order": order.number, "why": "order_contact"}, now=ctx.now)
    phone = ctx.phones().open(order.contact_phone)
    return Reply(ctx.t("order_phone_full", number=order.number, contact=order.contact_name, phone=phone), back)


def view_button(ctx: Context, order: ServiceOrder) -> Choice:
    """查看点单: the order's staff page."""
    return Choice(ctx.t("btn_view_order"), StaffOrder(order.id).pack())


def illegal_move(ctx: Context, result: MoveResult, action: str) -> Reply:
    """Why a move was refused, in words."""
    if result.order is None:
        return order_missing(ctx)
    order = result.order
    text = ctx.t("order_illegal", number=order.number, status=ctx.t(f"order_status_{order.status}"),
                 action=ctx.t(f"order_action_{action}"))
    return Reply(text, (view_button(ctx, order), menu_button(ctx)))


def _precheck(ctx: Context, order: ServiceOrder, status: str, action: str) -> Reply | None:
    """Refuse before asking a question when the order cannot make the move anyway."""
    return None if order.status == status else illegal_move(ctx, MoveResult("illegal", order), action)


def wait_for(ctx: Context, order: ServiceOrder, step: str, question: Reply) -> Reply:
    """Ask a question about an order; the answer goes to staff_answers."""
    ctx.expect = STEP_EXPECT
    ctx.data["order_staff"] = {"order": order.id, "step": step}
    return question


def not_now_button(ctx: Context) -> Choice:
    """暂不处理: leave the question unanswered."""
    return Choice(ctx.t("btn_not_now_order"), DropStep().pack())


@router.payload(PickTeam, role=OrderGate("order.dispatch", organizer=True, team=False), load=ORDER)
def pick_team(ctx: Context, data: PickTeam, order: ServiceOrder) -> Reply:
    """派单: the teams that serve the order's community."""
    refused = _precheck(ctx, order, ORDERED, "dispatch")
    if refused:
        return refused
    teams = teams_for(ctx.session, order.community)
    back = Choice(ctx.t("btn_back"), StaffOrder(order.id).pack())
    if not teams:
        return Reply(ctx.t("dispatch_no_team", community=order.community), (back, menu_button(ctx)))
    items = [Choice(team.name[:40], Dispatch(order.id, team.id).pack()) for team in teams]
    return Reply(ctx.t("dispatch_pick_team", number=order.number), tuple(items) + (back,))


@router.payload(Dispatch, role=OrderGate("order.dispatch", organizer=True, team=False), load=ORDER)
def dispatch(ctx: Context, data: Dispatch, order: ServiceOrder) -> Reply:
    """派单 to the chosen team; the team leader and the resident are told."""
    result = dispatch_order(ctx.session, order.id, data.team, ctx.resident_id, ctx.now)
    if result.status == "bad_input":
        return Reply(ctx.t("dispatch_bad_team"),
                     (Choice(ctx.t("btn_dispatch"), PickTeam(order.id).pack()), menu_button(ctx)))
    if result.status != "moved":
        return illegal_move(ctx, result, "dispatch")
    order, team = result.order, ctx.session.get(ServiceTeam, data.team)
    record_staff_action(ctx, "order.dispatch", f"order:{order.number}", team=team.name)
    facts = order_facts(ctx, order)
    push(ctx, order.ordered_by, order, result.event, Reply(ctx.t("order_push_dispatched", **facts)))
    push(ctx, team.leader_id, order, result.event, Reply(ctx.t("order_push_to_team", **facts), (
        Choice(ctx.t("btn_accept"), AskDate(order.id).pack()), Choice(ctx.t("btn_decline"), AskReturn(order.id).pack()),
        view_button(ctx, order))))
    key = "order_dispatched" if team.leader_id else "order_dispatched_no_leader"
    return Reply(ctx.t(key, number=order.number, team=team.name),
                 (Choice(ctx.t("btn_order_list"), Desk().pack()), menu_button(ctx)))


@router.payload(AskDecline, role=OrderGate("order.decline", organizer=True, team=False), load=ORDER)
def ask_decline(ctx: Context, data: AskDecline, order: ServiceOrder) -> Reply:
    """婉拒 by the organizer: ask the reason first."""
    refused = _precheck(ctx, order, ORDERED, "decline")
    if refused:
        return refused
    return wait_for(ctx, order, "decline", Reply(ctx.t("order_ask_decline", number=order.number),
                                                  (not_now_button(ctx),)))


@router.payload(AskReturn, role=OrderGate("order.return", organizer=False, team=True), load=ORDER)
def ask_return(ctx: Context, data: AskReturn, order: ServiceOrder) -> Reply:
    """婉拒 by the team: ask the reason first."""
    refused = _precheck(ctx, order, DISPATCHED, "return")
    if refused:
        return refused
    return wait_for(ctx, order, "return", Reply(ctx.t("order_ask_return", number=order.number),
                                                 (not_now_button(ctx),)))


@router.payload(AskDate, role=OrderGate("order.accept", organizer=False, team=True), load=ORDER)
def ask_date(ctx: Context, data: AskDate, order: ServiceOrder) -> Reply:
    """接单: ask the date of the service."""
    refused = _precheck(ctx, order, DISPATCHED, "accept")
    if refused:
        return refused
    return wait_for(ctx, order, "accept", Reply(
        ctx.t("order_ask_date", number=order.number, dates=order.preferred_dates or "—"), (not_now_button(ctx),)))


@router.payload(AskHeadcount, role=OrderGate("order.complete", organizer=True, team=True), load=ORDER)
def ask_headcount(ctx: Context, data: AskHeadcount, order: ServiceOrder) -> Reply:
    """完成: ask how many people were served."""
    refused = _precheck(ctx, order, ACCEPTED, "complete")
    if refused:
        return refused
    question = Reply(ctx.t("order_ask_headcount", number=order.number))
    return expect_number(ctx, wait_for(ctx, order, "complete", question))


@router.payload(DropStep)
def drop_step(ctx: Context, data: DropStep | None = None) -> Reply:
    """Leave the question unanswered; nothing changes."""
    pending = ctx.data.pop("order_staff", None) or {}
    back = (Choice(ctx.t("btn_view_order"), StaffOrder(pending["order"]).pack()),) \
        if isinstance(pending.get("order"), int) else ()
    return Reply(ctx.t("order_step_dropped"),
                 back + (Choice(ctx.t("btn_order_list"), Desk().pack()), menu_button(ctx)))
