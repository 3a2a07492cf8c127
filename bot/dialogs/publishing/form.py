"""发布课程: an organizer publishes a course or one-off activity one question at a time — section,
category, title, teacher, venue, sessions, seats, tags, sign-up mode — with a step back and a way
out at every question and a preview before it goes live. It enters the catalogue by the import's
own rules and code, so it is the course an import of the same rows would make."""
from __future__ import annotations

from datetime import datetime

from bot.dialogs.context import Context
from bot.dialogs.publishing.answers import NUMBER_STEPS, STEPS, now_local, offers, take, venue_refusal
from bot.dialogs.publishing.callbacks import CancelForm, Confirm, Courses, Desk, Pick, Publish, StepBack
from bot.dialogs.publishing.shown import local_when, organizer
from bot.dialogs.pushes.catalog_changes import apply_catalog_changes
from bot.dialogs.router import Result, Router, fallback
from bot.dialogs.staff_access import record_staff_action
from bot.dialogs.states import PUBLISH_FORM
from bot.messages import Choice, Reply
from store.catalog_file import MAX_COMPANIONS, CatalogImportError
from store.models.staff import ORGANIZER
from store.publishing import publish_course
from store.publishing_scope import home_of

EXPECT_FORM = "publish_form"
ACTION = "course.publish"

router = Router("publishing.form")
router.keywords({"发布课程", "发布活动", "/publish"}, Publish)
router.menu(85, "btn_pub_desk", Desk, shown_to=organizer)


def ask(ctx: Context, form: dict, step: str, error: str = "") -> Reply:
    """The question of one step with its choices, a step back and a way out."""
    form["step"] = step
    form["options"] = offers(ctx, form, step)
    PUBLISH_FORM.enter(ctx, form)
    ctx.expect = EXPECT_FORM
    if step in NUMBER_STEPS:
        ctx.expect_number_answer()  # "20" is the number of seats, not a pick of the choices
    choices = [Choice(label, Pick(i).pack()) for i, (label, _) in enumerate(form["options"])]
    choices += [Choice(ctx.t("btn_pub_back"), StepBack().pack()), Choice(ctx.t("btn_pub_cancel"), CancelForm().pack())]
    question = ctx.t(f"pub_ask_{step}", most=MAX_COMPANIONS)
    return Reply(f"{error}\n{question}".strip(), tuple(choices))


def _next_step(form: dict, step: str, back: bool = False) -> str | None:
    """The step after (or before) this one; the deadline only for a lottery."""
    at = (len(STEPS) if step == "preview" else STEPS.index(step)) + (-1 if back else 1)
    while 0 <= at < len(STEPS):
        if STEPS[at] != "apply_until" or form.get("mode") == "lottery":
            return STEPS[at]
        at += -1 if back else 1
    return None


def _answered(ctx: Context, form: dict, step: str, text: str) -> Reply:
    error = take(ctx, form, step, text)
    if error:
        return ask(ctx, form, step, error)
    following = _next_step(form, step)
    return ask(ctx, form, following) if following else preview(ctx, form)


def _sessions(form: dict) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(start), datetime.fromisoformat(end)) for start, end in form["sessions"]]


def preview(ctx: Context, form: dict, note: str = "") -> Reply:
    """Everything once more, with 确认发布, a step back and a way out."""
    form["step"], form["options"] = "preview", []
    PUBLISH_FORM.enter(ctx, form)
    ctx.expect = ""
    sessions = _sessions(form)
    shown = "；".join(local_when(ctx, start, end) for start, end in sessions[:3])
    if len(sessions) > 3:
        shown += ctx.t("pub_preview_more", count=len(sessions))
    extra = ctx.t("pub_line_tags", tags=form["tags"]) if form.get("tags") else ""
    extra += (ctx.t("pub_line_lottery", until=form["apply_until"].replace("T", " ")[:16])
              if form.get("mode") == "lottery" else ctx.t("pub_line_first_come"))
    extra += ctx.t("pub_line_companions", count=form["companions"]) if form.get("companions") else ""
    extra += ctx.t("pub_line_offer") if form.get("seat_offer") == "offer" else ""
    text = ctx.t("pub_preview", title=form["title"], section=form["section"], category=form["category"],
                 teacher=form["teacher"], venue=form["venue"], sessions=shown, capacity=form["capacity"], extra=extra)
    return Reply(f"{note}\n{text}".strip(), (Choice(ctx.t("btn_pub_confirm"), Confirm().pack()),
                                              Choice(ctx.t("btn_pub_back"), StepBack().pack()),
                                              Choice(ctx.t("btn_pub_cancel"), CancelForm().pack())))


def _expired(ctx: Context) -> Reply:
    return Reply(ctx.t("pub_expired"), (Choice(ctx.t("btn_pub_new"), Publish().pack()), Choice(ctx.t("btn_menu"), "menu")))


@router.payload(Desk, role=ORGANIZER, action=ACTION)
def desk(ctx: Context, data: Desk) -> Reply:
    """发布与管理课程: publish a new one, or manage those published."""
    return Reply(ctx.t("pub_desk"), (Choice(ctx.t("btn_pub_new"), Publish().pack()),
                                     Choice(ctx.t("btn_pub_manage"), Courses().pack()),
                                     Choice(ctx.t("btn_menu"), "menu")))


@router.payload(Publish, role=ORGANIZER, action=ACTION)
def start(ctx: Context, data: Publish) -> Reply:
    """The first question: the section."""
    return ask(ctx, {}, STEPS[0])


@router.payload(Pick, role=ORGANIZER, action=ACTION)
def picked(ctx: Context, data: Pick) -> Reply:
    """One of the answers the question offered."""
    form = PUBLISH_FORM.get(ctx)
    if form is None or form.get("step") not in STEPS:
        return _expired(ctx)
    options = form.get("options") or []
    if not 0 <= data.pick < len(options):
        return ask(ctx, form, form["step"], ctx.t("pub_bad_pick"))
    step, value = form["step"], options[data.pick][1]
    if step in ("mode", "seat_offer"):
        form[step] = value
        following = _next_step(form, step)
        return ask(ctx, form, following) if following else preview(ctx, form)
    return _answered(ctx, form, step, value if value else "无")


@router.payload(StepBack, role=ORGANIZER, action=ACTION)
def step_back(ctx: Context, data: StepBack) -> Reply:
    """The question before the one shown; from the first, the form ends."""
    form = PUBLISH_FORM.get(ctx)
    if form is None:
        return _expired(ctx)
    before = _next_step(form, form.get("step", STEPS[0]), back=True)
    if before is None:
        return cancel(ctx, CancelForm())
    return ask(ctx, form, before)


@router.payload(CancelForm, role=ORGANIZER, action=ACTION)
def cancel(ctx: Context, data: CancelForm) -> Reply:
    """Drop the form: nothing was written."""
    PUBLISH_FORM.leave(ctx)
    ctx.expect = ""
    return Reply(ctx.t("pub_cancelled"), (Choice(ctx.t("btn_pub_desk"), Desk().pack()), Choice(ctx.t("btn_menu"), "menu")))


@router.state(EXPECT_FORM, role=ORGANIZER, action=ACTION)
def typed_answer(ctx: Context, text: str) -> Result:
    """A typed answer to the current question; a lapsed form makes the text a search again."""
    form = PUBLISH_FORM.get(ctx)
    if form is None or form.get("step") not in STEPS:
        ctx.expect = ""
        return fallback(ctx, text)
    return _answered(ctx, form, form["step"], text)


def catalogue_fields(form: dict) -> dict[str, str]:
    """The form as the catalogue's columns, as a file's row would give them."""
    until = form.get("apply_until") if form.get("mode") == "lottery" else None
    return {"section": form["section"], "category": form["category"], "title": form["title"],
            "teacher": form["teacher"], "venue": form["venue"], "capacity": str(form["capacity"]),
            "tags": form.get("tags", ""), "companions_max": str(form.get("companions", 0)),
            "seat_offer": form.get("seat_offer", "auto"), "signup_mode": form.get("mode", "first_come"),
            "apply_until": until.replace("T", " ")[:16] if until else ""}


@router.payload(Confirm, role=ORGANIZER, action=ACTION)
def confirm(ctx: Context, data: Confirm) -> Reply:
    """确认发布: the course goes live, or the catalogue's rules say why not and nothing is written."""
    form = PUBLISH_FORM.get(ctx)
    if form is None or form.get("step") != "preview":
        return _expired(ctx)
    sessions = _sessions(form)
    if sessions[0][0] <= now_local(ctx):
        return ask(ctx, form, "sessions", ctx.t("pub_session_past"))
    not_theirs = venue_refusal(ctx, form["venue"])  # the venue, or the organizer's grants, may have changed
    if not_theirs:
        return ask(ctx, form, "venue", not_theirs)
    community, unit_id = home_of(ctx.session, ctx.resident_id)
    try:
        with ctx.session.begin_nested():  # a refusal takes back whatever the attempt wrote
            course, report = publish_course(ctx.session, catalogue_fields(form), sessions,
                                            ctx.settings.general.timezone, ctx.now, community, unit_id)
    except CatalogImportError as refused:
        problems = "\n".join(problem.message for problem in refused.problems)
        return preview(ctx, form, ctx.t("pub_refused", problems=problems))
    PUBLISH_FORM.leave(ctx)
    apply_catalog_changes(ctx.session, ctx.settings, report, ctx.now)
    record_staff_action(ctx, ACTION, f"course:{course.id}", code=course.code, title=course.title,
                        sessions=len(sessions), capacity=course.capacity, mode=course.signup_mode)
    first = local_when(ctx, *sessions[0])
    return Reply(ctx.t("pub_published", title=course.title, code=course.code, count=len(sessions), first=first),
                 (Choice(ctx.t("btn_pub_manage"), Courses().pack()), Choice(ctx.t("btn_menu"), "menu")))
