"""发布值班: an organizer posts a volunteer shift — what, day, hours, people, place — one question at a
time, a step back at every question, a preview before it goes out."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

from bot.dialogs.context import Context
from bot.dialogs.formatting import format_when, to_local
from bot.dialogs.router import Result, Router, fallback
from bot.dialogs.shifts.callbacks import PostShift, PublishShift, Shifts, ShiftStepBack
from bot.dialogs.typed_times import parse_day, parse_hours
from bot.dialogs.staff_access import record_staff_action
from bot.dialogs.states import SHIFT_FORM
from bot.messages import Choice, Reply
from store.models.staff import ORGANIZER
from store.shifts import post_shift

EXPECT_FORM = "shift_form"
STEPS = ("title", "day", "hours", "people", "place")
MOST_PEOPLE = 50
ACTION = "shift.post"

router = Router("shifts.post")
router.keywords({"发布值班", "/postshift"}, PostShift)


def _cancel(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_cancel_form"), "menu")


def ask(ctx: Context, form: dict, step: str, error: str = "") -> Reply:
    """The question of one step, with a way back and a way out."""
    form["step"] = step
    SHIFT_FORM.enter(ctx, form)
    ctx.expect = EXPECT_FORM
    if step == "people":
        ctx.expect_number_answer()  # "3" is the head count, not a pick of the choices
    choices = (Choice(ctx.t("btn_shift_step_back"), ShiftStepBack().pack()), _cancel(ctx))
    return Reply(f"{error}\n{ctx.t(f'shift_ask_{step}')}".strip(), choices)


def starts_and_ends(ctx: Context, form: dict) -> tuple[datetime, datetime]:
    """The shift's start and end in naive UTC, from the local day and hours typed."""
    day = date.fromisoformat(form["day"])

    def utc(hhmm: str) -> datetime:
        local = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ctx.tz)
        return local.astimezone(timezone.utc).replace(tzinfo=None)
    return utc(form["start"]), utc(form["end"])


def _take(ctx: Context, form: dict, step: str, text: str) -> str | None:
    """Keep the answer to step in form; the error text when it does not fit."""
    text = re.sub(r"\s+", " ", text).strip()
    if step in ("title", "place"):
        if not 2 <= len(text) <= 40:
            return ctx.t(f"shift_bad_{step}")
        form[step] = text
    elif step == "day":
        day = parse_day(text, to_local(ctx.now, ctx.tz).date())
        if day is None:
            return ctx.t("shift_bad_day")
        form["day"] = day.isoformat()
    elif step == "hours":
        hours = parse_hours(text)
        if hours is None:
            return ctx.t("shift_bad_hours")
        form["start"], form["end"] = (h.strftime("%H:%M") for h in hours)
        if starts_and_ends(ctx, form)[0] <= ctx.now:
            return ctx.t("shift_bad_past")
    else:
        digits = re.fullmatch(r"(\d{1,3})\s*(?:人|个人|位)?", text)
        if not digits or not 1 <= int(digits.group(1)) <= MOST_PEOPLE:
            return ctx.t("shift_bad_people", most=MOST_PEOPLE)
        form["people"] = int(digits.group(1))
    return None


def preview(ctx: Context, form: dict) -> Reply:
    """Everything once more, with 发布 and a step back."""
    form["step"] = "preview"
    SHIFT_FORM.enter(ctx, form)
    ctx.expect = ""
    starts, ends = starts_and_ends(ctx, form)
    text = ctx.t("shift_preview", title=form["title"], when=format_when(starts, ends, ctx.tz, ctx.lang),
                 people=form["people"], place=form["place"])
    return Reply(text, (Choice(ctx.t("btn_shift_publish"), PublishShift().pack()),
                        Choice(ctx.t("btn_shift_step_back"), ShiftStepBack().pack()), _cancel(ctx)))


@router.payload(PostShift, role=ORGANIZER, action=ACTION)
def start_posting(ctx: Context, data: PostShift) -> Reply:
    """The first question: what the shift is."""
    return ask(ctx, {}, STEPS[0])


@router.payload(ShiftStepBack, role=ORGANIZER, action=ACTION)
def step_back(ctx: Context, data: ShiftStepBack) -> Reply:
    """The question before the one shown; from the first, the menu."""
    form = SHIFT_FORM.get(ctx)
    if form is None:
        return Reply(ctx.t("shift_form_expired"), (Choice(ctx.t("btn_shift_post"), PostShift().pack()),
                                                    Choice(ctx.t("btn_menu"), "menu")))
    step = form.get("step")
    at = len(STEPS) if step == "preview" else STEPS.index(step)
    if at == 0:
        SHIFT_FORM.leave(ctx)
        ctx.expect = ""
        return Reply(ctx.t("shift_post_cancelled"), (Choice(ctx.t("btn_menu"), "menu"),))
    return ask(ctx, form, STEPS[at - 1])


@router.state(EXPECT_FORM, role=ORGANIZER, action=ACTION)
def typed_answer(ctx: Context, text: str) -> Result:
    """A typed answer to the current question; a stale step makes the text a search again."""
    form = SHIFT_FORM.get(ctx)
    if form is None or form.get("step") not in STEPS:
        ctx.expect = ""
        return fallback(ctx, text)
    step = form["step"]
    error = _take(ctx, form, step, text)
    if error:
        return ask(ctx, form, step, error)
    at = STEPS.index(step)
    return ask(ctx, form, STEPS[at + 1]) if at + 1 < len(STEPS) else preview(ctx, form)


@router.payload(PublishShift, role=ORGANIZER, action=ACTION)
def publish(ctx: Context, data: PublishShift) -> Reply:
    """Post the shift and show its check-in code (a second tap posts nothing more)."""
    form = SHIFT_FORM.leave(ctx)
    ctx.expect = ""
    if form is None or form.get("step") != "preview":
        return Reply(ctx.t("shift_form_expired"), (Choice(ctx.t("btn_shift_post"), PostShift().pack()),
                                                    Choice(ctx.t("btn_menu"), "menu")))
    starts, ends = starts_and_ends(ctx, form)
    if starts <= ctx.now:
        return ask(ctx, form, "hours", ctx.t("shift_bad_past"))
    shift = post_shift(ctx.session, form["title"], form["place"], starts, ends, form["people"],
                       ctx.resident_id, ctx.now)
    record_staff_action(ctx, ACTION, f"shift:{shift.id}", title=shift.title, people=shift.capacity)
    base = ctx.settings.web.public_url.rstrip("/")
    return Reply(ctx.t("shift_posted", title=shift.title, when=format_when(starts, ends, ctx.tz, ctx.lang),
                       code=shift.code, link_in=f"{base}/?start=shiftin-{shift.code}",
                       link_out=f"{base}/?start=shiftout-{shift.code}"),
                 (Choice(ctx.t("btn_shifts"), Shifts().pack()), Choice(ctx.t("btn_menu"), "menu")))
