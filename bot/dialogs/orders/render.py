"""How orders read on screen and in pushes: masked phones, status words, details, history."""
from __future__ import annotations

import re
from datetime import date

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.orders.callbacks import RateOrder
from bot.messages import Choice, Reply
from store.models.orders import (ACCEPTED, DISPATCHED, DONE, ORDER_GRADES, ORDERED, OrderEvent, ServiceItem,
                                 ServiceOrder, ServiceTeam)
from store.orders import order_history
from store.outbox import enqueue
from store.people import accounts_of


def mask_phone(phone: str) -> str:
    """138****5678: every screen and push shows a contact phone like this."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def status_label(ctx: Context, status: str) -> str:
    """已点单, 已派单 …"""
    return ctx.t(f"order_status_{status}")


def format_day(ctx: Context, day: date) -> str:
    """'12月20日（周日）', with the year in front when it is not this year."""
    key = "order_date" if day.year == to_local(ctx.now, ctx.tz).year else "order_date_year"
    return ctx.t(key, year=day.year, month=day.month, day=day.day, weekday=ctx.t("weekday")[day.weekday()])


def service_of(ctx: Context, order: ServiceOrder) -> ServiceItem | None:
    """The service an order is for."""
    return ctx.session.get(ServiceItem, order.service_id)


def service_name(ctx: Context, order: ServiceOrder) -> str:
    """The name of the ordered service."""
    service = service_of(ctx, order)
    return service.name if service else "—"


def team_name(ctx: Context, order: ServiceOrder) -> str:
    """The name of the team an order is with, or '—'."""
    team = ctx.session.get(ServiceTeam, order.team_id) if order.team_id else None
    return team.name if team else "—"


def phone_shown(ctx: Context, stored: str) -> str:
    """A stored (sealed) contact phone as shown: masked, or 未留."""
    return mask_phone(ctx.phones().open(stored)) or ctx.t("order_no_phone")


def order_facts(ctx: Context, order: ServiceOrder) -> dict[str, object]:
    """The values order texts are filled with; the phone already masked."""
    return dict(number=order.number, service=service_name(ctx, order), community=order.community,
                place=order.place, dates=order.preferred_dates or "—", audience=order.audience,
                contact=order.contact_name, phone=phone_shown(ctx, order.contact_phone),
                team=team_name(ctx, order), status=status_label(ctx, order.status))


def order_line(ctx: Context, order: ServiceOrder, for_desk: bool = False) -> str:
    """One order as a list entry."""
    facts = order_facts(ctx, order)
    return ctx.t("desk_line" if for_desk else "order_line", **facts)


def _step(ctx: Context, event: OrderEvent) -> str:
    if event.from_status == DISPATCHED and event.to_status == ORDERED:
        return ctx.t("order_step_returned")
    return status_label(ctx, event.to_status)


def _note(ctx: Context, event: OrderEvent) -> str:
    """The note of a step as read: a date for 接单, people for 完成, else as written."""
    note = event.note
    if event.to_status == ACCEPTED:
        try:
            day = date.fromisoformat(note)
            note = ctx.t("order_note_date", year=day.year, month=day.month, day=day.day)
        except ValueError:
            pass
    elif event.to_status == DONE and note.isdigit():
        note = ctx.t("order_note_headcount", headcount=note)
    return f"（{note}）" if note else ""


def history_text(ctx: Context, order: ServiceOrder) -> str:
    """办理记录: one line a step, in local time."""
    lines = [ctx.t("order_history_title")]
    for event in order_history(ctx.session, order.id):
        when = to_local(event.created_at, ctx.tz).strftime("%m-%d %H:%M")
        lines.append(ctx.t("order_history_line", when=when, step=_step(ctx, event), note=_note(ctx, event)))
    return "\n".join(lines)


def order_detail(ctx: Context, order: ServiceOrder) -> str:
    """Everything about an order, the history below."""
    lines = [ctx.t("order_detail", **order_facts(ctx, order))]
    if order.team_id:
        lines.append(ctx.t("order_detail_team", team=team_name(ctx, order)))
    if order.scheduled_date:
        lines.append(ctx.t("order_detail_date", date=format_day(ctx, order.scheduled_date)))
    if order.headcount is not None:
        lines.append(ctx.t("order_detail_headcount", headcount=order.headcount))
    if order.decline_reason:
        lines.append(ctx.t("order_detail_reason", reason=order.decline_reason))
    return "\n".join(lines) + "\n\n" + history_text(ctx, order)


def order_grade_choices(order_id: int) -> tuple[Choice, ...]:
    """优 / 良 / 中 / 差 for one order."""
    return tuple(Choice(grade, RateOrder(order_id, grade).pack()) for grade in ORDER_GRADES)


def poll_text(ctx: Context, order: ServiceOrder) -> str:
    """The question of the 优/良/中/差 poll after a delivered service."""
    return ctx.t("order_poll", service=service_name(ctx, order), number=order.number,
                 headcount=order.headcount if order.headcount is not None else "—")


def push(ctx: Context, resident_id: int | None, order: ServiceOrder, event: OrderEvent,
         reply: Reply, kind: str = "order") -> None:
    """Queue a message about one step of an order for one person (once per step and person)."""
    if resident_id is None:
        return
    accounts = accounts_of(ctx.session, resident_id)
    enqueue(ctx.session, idem_key=f"order:{order.id}:event:{event.id}:resident:{resident_id}",
            kind=kind, payload=reply.to_dict(), due_at=ctx.now, resident_id=resident_id,
            account_id=accounts[0].id if accounts else None)


def expect_number(ctx: Context, question: Reply) -> Reply:
    """Ask for a number: the next typed number is the answer, not a pick of a choice."""
    ctx.expect_number_answer()
    return question


_NUMBER = re.compile(r"^(?:约|大约|大概|共)?\s*(\d{1,6})\s*(?:人|个人|位|名)?\s*(?:左右)?$")


def typed_number(text: str) -> int | None:
    """The number in '80', '80人', '大约 80 人左右', or None."""
    match = _NUMBER.match(text.strip())
    return int(match.group(1)) if match else None
