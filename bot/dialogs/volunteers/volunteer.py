"""志愿者: registering (name, community, skills, times — one at a time), pausing, resuming, leaving."""
from __future__ import annotations

import re

from sqlmodel import select

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.points_push import format_hours
from bot.dialogs.router import Result, Router, fallback
from bot.dialogs.states import VOLUNTEER_FORM
from bot.dialogs.staff_access import tell
from bot.dialogs.volunteers.callbacks import (Approve, AskLeave, LeaveVolunteers, Pause, PickOption, Points, Register,
                                              RegistrationView, Resume, SubmitRegistration, VolunteerHome)
from bot.messages import Choice, Reply
from store.models import Venue, Volunteer
from store.models.staff import ORGANIZER
from store.models.volunteers import ACTIVE, PAUSED, PENDING, REJECTED
from store.points import balance, service_minutes
from store.roles import holders_of
from store.volunteers import change_status, register, volunteer_of

EXPECT_FORM = "vol_form"
SHIFTS = "shifts"  # the shifts feature's list (志愿值班), reached by its button data
FIELDS = ("name", "community", "skills", "available")
LIMITS = {"name": (2, 20), "community": (2, 30), "skills": (2, 100), "available": (2, 60)}

_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z·• ]+$")
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")

router = Router("volunteers.volunteer")
router.keywords({"志愿者", "/volunteer"}, VolunteerHome)


def known_communities(ctx: Context) -> list[str]:
    """Communities of the teaching points, offered as choices (one screen, 取消 included)."""
    names = ctx.session.exec(select(Venue.community).distinct()).all()
    return sorted(n for n in names if n)[:ctx.settings.dialogs.page_size - 1]


def valid(field: str, value: str) -> bool:
    """True when a typed answer fits the field."""
    low, high = LIMITS[field]
    if not low <= len(value) <= high:
        return False
    return bool(_NAME.match(value)) if field == "name" else bool(_WORDS.search(value))


def ask(ctx: Context, form: dict, field: str, error: str = "") -> Reply:
    """The question for one field, with ready answers where there are common ones."""
    options: list[str] = []
    if field == "community":
        options = known_communities(ctx)
    elif field == "skills":
        options = [ctx.t("vol_skills_any")]
    elif field == "available":
        options = ctx.t("vol_times").split("|")
    form.update(step=field, options=options)
    VOLUNTEER_FORM.enter(ctx, form)
    ctx.expect = EXPECT_FORM
    text = ctx.t(f"vol_ask_{field}")
    choices = [Choice(o, PickOption(i).pack()) for i, o in enumerate(options)]
    return Reply(f"{error}\n{text}".strip(),
                 tuple(choices + [Choice(ctx.t("btn_cancel_form"), VolunteerHome().pack())]))


def accept(ctx: Context, form: dict, value: str) -> Reply:
    """Keep one answer and ask the next question, or show the summary after the last."""
    field = form["step"]
    value = re.sub(r"\s+", " ", value).strip()
    if not valid(field, value):
        return ask(ctx, form, field, error=ctx.t(f"vol_bad_{field}"))
    form[field] = value
    later = FIELDS[FIELDS.index(field) + 1:]
    if later:
        return ask(ctx, form, later[0])
    form.update(step="done", options=[])
    VOLUNTEER_FORM.keep(ctx)
    ctx.expect = ""
    text = ctx.t("vol_summary", **{f: form[f] for f in FIELDS})
    return Reply(text, (Choice(ctx.t("btn_vol_submit"), SubmitRegistration().pack()),
                        Choice(ctx.t("btn_vol_redo"), Register().pack()), menu_button(ctx)))


@router.payload(VolunteerHome)
def volunteer_home(ctx: Context, data: VolunteerHome | None = None) -> Reply:
    """Where the resident stands as a volunteer, and what they can do next."""
    found = volunteer_of(ctx.session, ctx.resident_id)
    points = Choice(ctx.t("btn_points"), Points().pack())
    if found is None or found.status not in (PENDING, ACTIVE, PAUSED):
        text = ctx.t("vol_intro")
        if found is not None and found.status == REJECTED and found.note:
            text = ctx.t("vol_was_rejected", reason=found.note) + "\n\n" + text
        return Reply(text, (Choice(ctx.t("btn_volunteer_register"), Register().pack()), menu_button(ctx)))
    if found.status == PENDING:
        return Reply(ctx.t("vol_pending", name=found.name),
                     (Choice(ctx.t("btn_vol_withdraw"), AskLeave().pack()), menu_button(ctx)))
    if found.status == ACTIVE:
        hours = format_hours(service_minutes(ctx.session, ctx.resident_id))
        return Reply(ctx.t("vol_active", name=found.name, community=found.community, hours=hours),
                     (Choice(ctx.t("btn_vol_pause"), Pause().pack()), Choice(ctx.t("btn_vol_leave"), AskLeave().pack()),
                      Choice(ctx.t("btn_shifts"), SHIFTS), points, menu_button(ctx)))
    return Reply(ctx.t("vol_paused", name=found.name),
                 (Choice(ctx.t("btn_vol_resume"), Resume().pack()), Choice(ctx.t("btn_vol_leave"), AskLeave().pack()),
                  points, menu_button(ctx)))


@router.payload(Register)
def start_form(ctx: Context, data: Register) -> Reply:
    """The first question of the registration (unless already registered)."""
    found = volunteer_of(ctx.session, ctx.resident_id)
    if found is not None and found.status in (PENDING, ACTIVE, PAUSED):
        return volunteer_home(ctx)
    return ask(ctx, {}, FIELDS[0])


@router.payload(PickOption)
def chose_option(ctx: Context, data: PickOption) -> Reply:
    """A ready answer chosen by number."""
    form = VOLUNTEER_FORM.get(ctx)
    options = (form or {}).get("options") or []
    if form is None or not 0 <= data.index < len(options):
        return Reply(ctx.t("vol_form_expired"), (Choice(ctx.t("btn_volunteer_register"), Register().pack()),
                                                 menu_button(ctx)))
    return accept(ctx, form, options[data.index])


@router.state(EXPECT_FORM)
def typed_answer(ctx: Context, text: str) -> Result:
    """A typed answer to the current question; long after, it is a search like any other text."""
    form = VOLUNTEER_FORM.get(ctx)
    if form is None or form.get("step") not in FIELDS:
        ctx.expect = ""
        VOLUNTEER_FORM.leave(ctx)
        return fallback(ctx, text)
    return accept(ctx, form, text)


@router.payload(SubmitRegistration)
def submit(ctx: Context, data: SubmitRegistration) -> Reply:
    """Send the registration for approval."""
    form = VOLUNTEER_FORM.leave(ctx) or {}
    if form.get("step") != "done" or not all(form.get(f) for f in FIELDS):
        return Reply(ctx.t("vol_form_expired"), (Choice(ctx.t("btn_volunteer_register"), Register().pack()),
                                                 menu_button(ctx)))
    result = register(ctx.session, ctx.resident_id, *(form[f] for f in FIELDS), now=ctx.now)
    if result.status != "done":
        return volunteer_home(ctx)
    tell_approvers(ctx, volunteer_of(ctx.session, ctx.resident_id))
    return Reply(ctx.t("vol_submitted"), (menu_button(ctx),))


def tell_approvers(ctx: Context, found: Volunteer) -> None:
    """Tell every organizer who may approve the registration (and the admins), with a way to approve."""
    reply = Reply(ctx.t("vol_new_push", name=found.name, community=found.community, skills=found.skills,
                        available=found.available),
                  (Choice(ctx.t("btn_approve"), Approve(found.id).pack()),
                   Choice(ctx.t("btn_vol_review"), RegistrationView(found.id).pack()),
                   Choice(ctx.t("btn_menu"), "menu")))
    for organizer in holders_of(ctx.session, ORGANIZER, found.community):
        if organizer != found.resident_id:
            tell(ctx, organizer, f"volunteer:{found.id}:registered:{ctx.now.isoformat()}:{organizer}", "volunteer_new", reply)


def _move(ctx: Context, move: str, done_key: str) -> Reply:
    result = change_status(ctx.session, ctx.resident_id, move, ctx.now)
    if result.status != "done":
        return volunteer_home(ctx)
    choices = (Choice(ctx.t("btn_volunteer"), VolunteerHome().pack()), menu_button(ctx))
    return Reply(ctx.t(done_key, balance=balance(ctx.session, ctx.resident_id)), choices)


@router.payload(Pause)
def pause(ctx: Context, data: Pause) -> Reply:
    """Stop taking orders for a while."""
    return _move(ctx, "pause", "vol_paused_now")


@router.payload(Resume)
def resume(ctx: Context, data: Resume) -> Reply:
    """Take orders again after a pause."""
    return _move(ctx, "resume", "vol_resumed_now")


@router.payload(AskLeave)
def confirm_leave(ctx: Context, data: AskLeave) -> Reply:
    """Ask before leaving (or withdrawing a registration still waiting)."""
    found = volunteer_of(ctx.session, ctx.resident_id)
    if found is None or found.status not in (PENDING, ACTIVE, PAUSED):
        return volunteer_home(ctx)
    return Reply(ctx.t("vol_leave_confirm"), (Choice(ctx.t("btn_vol_leave_yes"), LeaveVolunteers().pack()),
                                              Choice(ctx.t("btn_vol_stay"), VolunteerHome().pack())))


@router.payload(LeaveVolunteers)
def leave(ctx: Context, data: LeaveVolunteers) -> Reply:
    """Leave the volunteers; the points stay."""
    return _move(ctx, "leave", "vol_left_now")
