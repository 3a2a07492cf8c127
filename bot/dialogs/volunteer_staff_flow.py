"""Organizers: /volunteers (approve or reject registrations) and /redemptions (hand rewards out)."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.messages import Choice, Reply
from bot.dialogs.router import TEXTS, Result, on_payload, on_text
from bot.dialogs.staff_access import actor_name, record_staff_action, refuse_unless
from bot.dialogs.states import VOLUNTEER_REJECT
from store.models import Redemption, Resident, Reward, Volunteer
from store.models.staff import ORGANIZER
from store.models.volunteers import PENDING
from store.outbox import enqueue
from store.rewards import hand_out, waiting_redemptions
from store.roles import communities_of
from store.volunteers import approve, pending_registrations, reject, volunteer_of


def tell(ctx: Context, resident_id: int, idem_key: str, kind: str, reply: Reply) -> None:
    """Queue a message to a resident through the outbox, in this turn's transaction."""
    enqueue(ctx.session, idem_key=idem_key, kind=kind, payload=reply.to_dict(), due_at=ctx.now,
            resident_id=resident_id)


def person_name(ctx: Context, resident_id: int) -> str:
    """The volunteer's registered name, else the chat name, else 居民 + number."""
    found = volunteer_of(ctx.session, resident_id)
    resident = ctx.session.get(Resident, resident_id)
    return (found.name if found else "") or (resident.display_name if resident else "") or \
        ctx.t("resident_n", id=resident_id)


def arg_id(args: list[str]) -> int | None:
    """The number a payload carries first, or None."""
    return int(args[0]) if args and args[0].isdigit() else None


def paged(ctx: Context, items: list[Choice], args: list[str], verb: str,
          back: Choice | None) -> tuple[list[Choice], str]:
    """One screen of a long list; the page number travels as the payload's argument."""
    page = clamp_page(args[0] if args else None, page_count(len(items), ctx.settings.dialogs.page_size))
    return render_choices(ctx, items, page, lambda p: f"{verb}:{p}", back)


# ── /volunteers ──────────────────────────────────────────────────────────────

@on_payload("vlist")
def registrations(ctx: Context, args: list[str]) -> Reply:
    """Registrations waiting for approval, in the organizer's communities."""
    refused = refuse_unless(ctx, ORGANIZER, "volunteers.list")
    if refused:
        return refused
    waiting = pending_registrations(ctx.session, communities_of(ctx.session, ctx.resident_id, ORGANIZER))
    if not waiting:
        return Reply(ctx.t("vols_none"), (menu_button(ctx),))
    items = [Choice(ctx.t("vols_label", name=v.name, community=v.community), f"vsee:{v.id}")
             for v in waiting]
    choices, note = paged(ctx, items, args, "vlist", menu_button(ctx))
    return Reply(ctx.t("vols_title", count=len(waiting)) + note, tuple(choices))


def _registration(ctx: Context, args: list[str], action: str) -> Volunteer | Reply:
    found = ctx.session.get(Volunteer, arg_id(args)) if arg_id(args) is not None else None
    refused = refuse_unless(ctx, ORGANIZER, action, community=found.community if found else None)
    if refused:
        return refused
    if found is None:
        return Reply(ctx.t("vols_missing"), (Choice(ctx.t("btn_back"), "vlist"), menu_button(ctx)))
    return found


@on_payload("vsee")
def registration(ctx: Context, args: list[str]) -> Reply:
    """One registration, with 通过 / 不通过 while it waits."""
    found = _registration(ctx, args, "volunteers.view")
    if isinstance(found, Reply):
        return found
    text = ctx.t("vols_detail", name=found.name, community=found.community, skills=found.skills,
                 available=found.available, status=ctx.t(f"vol_status_{found.status}"))
    choices = [Choice(ctx.t("btn_back"), "vlist"), menu_button(ctx)]
    if found.status == PENDING:
        choices[:0] = [Choice(ctx.t("btn_approve"), f"vapp:{found.id}"),
                       Choice(ctx.t("btn_reject"), f"vrej:{found.id}")]
    return Reply(text, tuple(choices))


@on_payload("vapp")
def approve_registration(ctx: Context, args: list[str]) -> Reply:
    """Approve: the resident becomes a volunteer and is told so."""
    found = _registration(ctx, args, "volunteer.approve")
    if isinstance(found, Reply):
        return found
    after = (Choice(ctx.t("btn_back"), "vlist"), menu_button(ctx))
    result = approve(ctx.session, found.id, actor_name(ctx), ctx.now)
    if result.status != "done":
        return Reply(ctx.t("vols_already"), after)
    record_staff_action(ctx, "volunteer.approve", f"volunteer:{found.id}", resident=found.resident_id)
    tell(ctx, found.resident_id, f"volunteer:{found.id}:approved:{ctx.now.isoformat()}", "volunteer",
         Reply(ctx.t("vol_approved_push", name=found.name),
               (Choice(ctx.t("btn_points"), "pts"), Choice(ctx.t("btn_menu"), "menu"))))
    return Reply(ctx.t("vols_approved", name=found.name), after)


@on_payload("vrej")
def ask_reject_reason(ctx: Context, args: list[str]) -> Reply:
    """Ask why, before turning a registration down."""
    found = _registration(ctx, args, "volunteer.reject")
    if isinstance(found, Reply):
        return found
    if found.status != PENDING:
        return Reply(ctx.t("vols_already"), (Choice(ctx.t("btn_back"), "vlist"), menu_button(ctx)))
    ctx.expect = "vol_reject_reason"
    VOLUNTEER_REJECT.enter(ctx, {"id": found.id})
    return Reply(ctx.t("vols_ask_reason", name=found.name),
                 (Choice(ctx.t("btn_cancel_form"), f"vsee:{found.id}"),))


@on_text("vol_reject_reason")
def reject_with_reason(ctx: Context, text: str) -> Result:
    """Turn the registration down and tell the resident why."""
    step = VOLUNTEER_REJECT.get(ctx)
    if step is None:
        ctx.expect = ""
        return TEXTS["search"](ctx, text)
    found = _registration(ctx, [str(step["id"])], "volunteer.reject")
    if isinstance(found, Reply):
        ctx.expect = ""
        return found
    reason = text.strip()
    if not 2 <= len(reason) <= 100:
        ctx.expect = "vol_reject_reason"
        return Reply(ctx.t("vols_bad_reason"), (Choice(ctx.t("btn_cancel_form"), f"vsee:{found.id}"),))
    VOLUNTEER_REJECT.leave(ctx)
    after = (Choice(ctx.t("btn_back"), "vlist"), menu_button(ctx))
    if reject(ctx.session, found.id, reason, actor_name(ctx), ctx.now).status != "done":
        return Reply(ctx.t("vols_already"), after)
    record_staff_action(ctx, "volunteer.reject", f"volunteer:{found.id}", reason=reason)
    tell(ctx, found.resident_id, f"volunteer:{found.id}:rejected:{ctx.now.isoformat()}", "volunteer",
         Reply(ctx.t("vol_rejected_push", reason=reason), (Choice(ctx.t("btn_menu"), "menu"),)))
    return Reply(ctx.t("vols_rejected", name=found.name), after)


# ── /redemptions ─────────────────────────────────────────────────────────────

@on_payload("rdlist")
def redemptions(ctx: Context, args: list[str]) -> Reply:
    """Rewards exchanged and not handed out yet, oldest first."""
    refused = refuse_unless(ctx, ORGANIZER, "redemptions.list")
    if refused:
        return refused
    waiting = waiting_redemptions(ctx.session)
    if not waiting:
        return Reply(ctx.t("rdm_none"), (menu_button(ctx),))
    items = [Choice(ctx.t("rdm_label", name=person_name(ctx, r.resident_id), reward=w.name), f"rdsee:{r.id}")
             for r, w in waiting]
    choices, note = paged(ctx, items, args, "rdlist", menu_button(ctx))
    return Reply(ctx.t("rdm_title", count=len(waiting)) + note, tuple(choices))


@on_payload("rdsee")
def redemption(ctx: Context, args: list[str]) -> Reply:
    """One redemption, with 已发放."""
    refused = refuse_unless(ctx, ORGANIZER, "redemptions.view")
    if refused:
        return refused
    found = ctx.session.get(Redemption, arg_id(args)) if arg_id(args) is not None else None
    back = Choice(ctx.t("btn_back"), "rdlist")
    if found is None:
        return Reply(ctx.t("rdm_missing"), (back, menu_button(ctx)))
    reward = ctx.session.get(Reward, found.reward_id)
    day = to_local(found.created_at, ctx.tz)
    text = ctx.t("rdm_detail", name=person_name(ctx, found.resident_id), reward=reward.name,
                 points=found.points, month=day.month, day=day.day,
                 status=ctx.t(f"rdm_status_{found.status}"))
    choices = (Choice(ctx.t("btn_handed_out"), f"rdout:{found.id}"),) if found.status == "requested" else ()
    return Reply(text, choices + (back, menu_button(ctx)))


@on_payload("rdout")
def handed_out(ctx: Context, args: list[str]) -> Reply:
    """Mark a reward handed out, audit it and tell the volunteer."""
    refused = refuse_unless(ctx, ORGANIZER, "redemption.hand_out")
    if refused:
        return refused
    after = (Choice(ctx.t("btn_back"), "rdlist"), menu_button(ctx))
    status, found = hand_out(ctx.session, arg_id(args) or 0, actor_name(ctx), ctx.now)
    if status == "not_found":
        return Reply(ctx.t("rdm_missing"), after)
    if status == "already":
        return Reply(ctx.t("rdm_already"), after)
    reward = ctx.session.get(Reward, found.reward_id)
    record_staff_action(ctx, "redemption.hand_out", f"redemption:{found.id}", reward=reward.name)
    tell(ctx, found.resident_id, f"redemption:{found.id}:handed_out", "redemption",
         Reply(ctx.t("rdm_push", reward=reward.name), (Choice(ctx.t("btn_points"), "pts"),)))
    return Reply(ctx.t("rdm_done", name=person_name(ctx, found.resident_id), reward=reward.name), after)
