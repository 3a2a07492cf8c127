"""Organizers: /volunteers (approve or reject registrations) and /redemptions (hand rewards out)."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import paged
from bot.dialogs.router import Load, Result, Router, fallback
from bot.dialogs.staff_access import Role, actor_name, person_name, record_staff_action, tell
from bot.dialogs.states import VOLUNTEER_REJECT
from bot.dialogs.volunteers.callbacks import (Approve, AskReject, HandOut, Points, RedemptionList, RedemptionView,
                                              Registrations, RegistrationView)
from bot.messages import Choice, Reply
from store.models import Redemption, Reward, Volunteer
from store.models.staff import ORGANIZER
from store.models.volunteers import PENDING
from store.rewards import hand_out, waiting_redemptions
from store.roles import communities_of
from store.volunteers import approve, pending_registrations, reject

EXPECT_REASON = "vol_reject_reason"

router = Router("volunteers.staff")
router.keywords({"/volunteers"}, Registrations)
router.keywords({"/redemptions"}, RedemptionList)


def in_community_of(action: str) -> Role:
    """Organizers of the volunteer's community (any organizer passes a registration that is gone)."""
    return Role(ORGANIZER, action, community=lambda volunteer: volunteer.community)


VIEW, APPROVE, REJECT = (in_community_of(a) for a in ("volunteers.view", "volunteer.approve", "volunteer.reject"))


def _back(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_back"), Registrations().pack())


REGISTRATION = Load(lambda ctx, data: ctx.session.get(Volunteer, data.volunteer),
                    missing=lambda ctx: Reply(ctx.t("vols_missing"), (_back(ctx), menu_button(ctx))))


# ── /volunteers ──────────────────────────────────────────────────────────────

@router.payload(Registrations, role=ORGANIZER, action="volunteers.list")
def registrations(ctx: Context, data: Registrations) -> Reply:
    """Registrations waiting for approval, in the organizer's communities."""
    waiting = pending_registrations(ctx.session, communities_of(ctx.session, ctx.resident_id, ORGANIZER))
    if not waiting:
        return Reply(ctx.t("vols_none"), (menu_button(ctx),))
    items = [Choice(ctx.t("vols_label", name=v.name, community=v.community), RegistrationView(v.id).pack())
             for v in waiting]
    choices, note = paged(ctx, items, data.page, lambda p: Registrations(p).pack(), menu_button(ctx))
    return Reply(ctx.t("vols_title", count=len(waiting)) + note, tuple(choices))


@router.payload(RegistrationView, role=VIEW, load=REGISTRATION)
def registration(ctx: Context, data: RegistrationView, found: Volunteer) -> Reply:
    """One registration, with 通过 / 不通过 while it waits."""
    text = ctx.t("vols_detail", name=found.name, community=found.community, skills=found.skills,
                 available=found.available, status=ctx.t(f"vol_status_{found.status}"))
    choices = [_back(ctx), menu_button(ctx)]
    if found.status == PENDING:
        choices[:0] = [Choice(ctx.t("btn_approve"), Approve(found.id).pack()),
                       Choice(ctx.t("btn_reject"), AskReject(found.id).pack())]
    return Reply(text, tuple(choices))


@router.payload(Approve, role=APPROVE, load=REGISTRATION)
def approve_registration(ctx: Context, data: Approve, found: Volunteer) -> Reply:
    """Approve: the resident becomes a volunteer and is told so."""
    after = (_back(ctx), menu_button(ctx))
    result = approve(ctx.session, found.id, actor_name(ctx), ctx.now)
    if result.status != "done":
        return Reply(ctx.t("vols_already"), after)
    record_staff_action(ctx, "volunteer.approve", f"volunteer:{found.id}", resident=found.resident_id)
    tell(ctx, found.resident_id, f"volunteer:{found.id}:approved:{ctx.now.isoformat()}", "volunteer",
         Reply(ctx.t("vol_approved_push", name=found.name),
               (Choice(ctx.t("btn_points"), Points().pack()), Choice(ctx.t("btn_menu"), "menu"))))
    return Reply(ctx.t("vols_approved", name=found.name), after)


@router.payload(AskReject, role=REJECT, load=REGISTRATION)
def ask_reject_reason(ctx: Context, data: AskReject, found: Volunteer) -> Reply:
    """Ask why, before turning a registration down."""
    if found.status != PENDING:
        return Reply(ctx.t("vols_already"), (_back(ctx), menu_button(ctx)))
    ctx.expect = EXPECT_REASON
    VOLUNTEER_REJECT.enter(ctx, {"id": found.id})
    return Reply(ctx.t("vols_ask_reason", name=found.name),
                 (Choice(ctx.t("btn_cancel_form"), RegistrationView(found.id).pack()),))


@router.state(EXPECT_REASON)
def reject_with_reason(ctx: Context, text: str) -> Result:
    """Turn the registration down and tell the resident why."""
    step = VOLUNTEER_REJECT.get(ctx)
    if step is None:
        ctx.expect = ""
        return fallback(ctx, text)
    found = ctx.session.get(Volunteer, step["id"])
    refused = REJECT.refusal(ctx, found)
    if refused or found is None:
        ctx.expect = ""
        return refused or REGISTRATION.missing(ctx)
    reason = text.strip()
    if not 2 <= len(reason) <= 100:
        ctx.expect = EXPECT_REASON
        return Reply(ctx.t("vols_bad_reason"),
                     (Choice(ctx.t("btn_cancel_form"), RegistrationView(found.id).pack()),))
    VOLUNTEER_REJECT.leave(ctx)
    after = (_back(ctx), menu_button(ctx))
    if reject(ctx.session, found.id, reason, actor_name(ctx), ctx.now).status != "done":
        return Reply(ctx.t("vols_already"), after)
    record_staff_action(ctx, "volunteer.reject", f"volunteer:{found.id}", reason=reason)
    tell(ctx, found.resident_id, f"volunteer:{found.id}:rejected:{ctx.now.isoformat()}", "volunteer",
         Reply(ctx.t("vol_rejected_push", reason=reason), (Choice(ctx.t("btn_menu"), "menu"),)))
    return Reply(ctx.t("vols_rejected", name=found.name), after)


# ── /redemptions ─────────────────────────────────────────────────────────────

def _redemptions_back(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_back"), RedemptionList().pack())


@router.payload(RedemptionList, role=ORGANIZER, action="redemptions.list")
def redemptions(ctx: Context, data: RedemptionList) -> Reply:
    """Rewards exchanged and not handed out yet, oldest first."""
    waiting = waiting_redemptions(ctx.session)
    if not waiting:
        return Reply(ctx.t("rdm_none"), (menu_button(ctx),))
    items = [Choice(ctx.t("rdm_label", name=person_name(ctx, r.resident_id), reward=w.name),
                    RedemptionView(r.id).pack()) for r, w in waiting]
    choices, note = paged(ctx, items, data.page, lambda p: RedemptionList(p).pack(), menu_button(ctx))
    return Reply(ctx.t("rdm_title", count=len(waiting)) + note, tuple(choices))


@router.payload(RedemptionView, role=ORGANIZER, action="redemptions.view", load=Load(
    lambda ctx, data: ctx.session.get(Redemption, data.redemption),
    missing=lambda ctx: Reply(ctx.t("rdm_missing"), (_redemptions_back(ctx), menu_button(ctx)))))
def redemption(ctx: Context, data: RedemptionView, found: Redemption) -> Reply:
    """One redemption, with 已发放."""
    reward = ctx.session.get(Reward, found.reward_id)
    day = to_local(found.created_at, ctx.tz)
    text = ctx.t("rdm_detail", name=person_name(ctx, found.resident_id), reward=reward.name,
                 points=found.points, month=day.month, day=day.day,
                 status=ctx.t(f"rdm_status_{found.status}"))
    choices = (Choice(ctx.t("btn_handed_out"), HandOut(found.id).pack()),) if found.status == "requested" else ()
    return Reply(text, choices + (_redemptions_back(ctx), menu_button(ctx)))


@router.payload(HandOut, role=ORGANIZER, action="redemption.hand_out")
def handed_out(ctx: Context, data: HandOut) -> Reply:
    """Mark a reward handed out, audit it and tell the volunteer."""
    after = (_redemptions_back(ctx), menu_button(ctx))
    status, found = hand_out(ctx.session, data.redemption, actor_name(ctx), ctx.now)
    if status == "not_found":
        return Reply(ctx.t("rdm_missing"), after)
    if status == "already":
        return Reply(ctx.t("rdm_already"), after)
    reward = ctx.session.get(Reward, found.reward_id)
    record_staff_action(ctx, "redemption.hand_out", f"redemption:{found.id}", reward=reward.name)
    tell(ctx, found.resident_id, f"redemption:{found.id}:handed_out", "redemption",
         Reply(ctx.t("rdm_push", reward=reward.name), (Choice(ctx.t("btn_points"), Points().pack()),)))
    return Reply(ctx.t("rdm_done", name=person_name(ctx, found.resident_id), reward=reward.name), after)
