"""登记新居民: staff register a person who has no chat account — name, phone, community — one
question at a time, with a step back and a preview; then they can act for them at once."""
from __future__ import annotations

import re

from bot.dialogs.context import Context
from bot.dialogs.proxy.callbacks import ProxyBack, ProxyCommunity, ProxyRegister, ProxySave
from bot.dialogs.proxy.find import STAFF_ROLES, ask_find, card, staff_communities
from bot.dialogs.router import Result, Router, fallback
from bot.dialogs.staff_access import actor_name
from bot.dialogs.states import PROXY_FORM
from bot.messages import Choice, Reply
from store.proxy import register_person
from store.whatson import communities

EXPECT_FORM = "proxy_form"
STEPS = ("name", "phone", "community")
MOST_COMMUNITIES = 5  # with 返回上一步 and 取消, the question stays within eight choices
_PHONE = re.compile(r"^1\d{10}$")
ACTION = "proxy.register"

router = Router("proxy.register")


def _choices_of(ctx: Context) -> list[str]:
    """The communities offered as buttons: the staff member's own, else those venues are in."""
    mine = staff_communities(ctx)
    return (mine or communities(ctx.session))[:MOST_COMMUNITIES]


def ask(ctx: Context, form: dict, step: str, error: str = "") -> Reply:
    """The question of one step, with a way back and a way out."""
    form["step"] = step
    PROXY_FORM.enter(ctx, form)
    ctx.expect = EXPECT_FORM
    choices: list[Choice] = []
    if step == "phone":
        ctx.expect_number_answer()  # the number typed is the phone, not a pick
    if step == "community":
        choices = [Choice(name, ProxyCommunity(i).pack()) for i, name in enumerate(_choices_of(ctx))]
    choices += [Choice(ctx.t("btn_proxy_back"), ProxyBack().pack()), Choice(ctx.t("btn_cancel_form"), "menu")]
    question = ctx.t(f"proxy_ask_{step}", name=form.get("name", ""))
    return Reply(f"{error}\n{question}".strip(), tuple(choices))


def preview(ctx: Context, form: dict) -> Reply:
    """Everything once more before it is saved."""
    form["step"] = "preview"
    PROXY_FORM.enter(ctx, form)
    ctx.expect = ""
    phone = form["phone"]
    return Reply(ctx.t("proxy_preview", name=form["name"], phone=f"{phone[:3]}****{phone[-4:]}",
                       community=form["community"]),
                 (Choice(ctx.t("btn_proxy_save"), ProxySave().pack()),
                  Choice(ctx.t("btn_proxy_back"), ProxyBack().pack()), Choice(ctx.t("btn_cancel_form"), "menu")))


def _take(ctx: Context, form: dict, step: str, text: str) -> str | None:
    """Keep the answer; the error text when it does not fit."""
    text = re.sub(r"\s+", "", text)
    if step == "name":
        if not 2 <= len(text) <= 20 or re.search(r"\d", text):
            return ctx.t("proxy_bad_name")
        form["name"] = text
    elif step == "phone":
        digits = re.sub(r"[-－—]", "", text)
        if not _PHONE.match(digits):
            return ctx.t("proxy_bad_phone")
        form["phone"] = digits
    else:
        where = staff_communities(ctx)
        if not 2 <= len(text) <= 30 or (where is not None and text not in where):
            return ctx.t("proxy_bad_community")
        form["community"] = text
    return None


def _next(ctx: Context, form: dict, step: str) -> Reply:
    at = STEPS.index(step)
    return ask(ctx, form, STEPS[at + 1]) if at + 1 < len(STEPS) else preview(ctx, form)


@router.payload(ProxyRegister, role=STAFF_ROLES, action=ACTION)
def start(ctx: Context, data: ProxyRegister) -> Reply:
    """The first question: the name."""
    return ask(ctx, {}, STEPS[0])


@router.state(EXPECT_FORM, role=STAFF_ROLES, action=ACTION)
def typed(ctx: Context, text: str) -> Result:
    """A typed answer; a stale step makes the text a search again."""
    form = PROXY_FORM.get(ctx)
    if form is None or form.get("step") not in STEPS:
        ctx.expect = ""
        return fallback(ctx, text)
    step = form["step"]
    error = _take(ctx, form, step, text)
    return ask(ctx, form, step, error) if error else _next(ctx, form, step)


@router.payload(ProxyCommunity, role=STAFF_ROLES, action=ACTION)
def pick_community(ctx: Context, data: ProxyCommunity) -> Reply:
    """A community chosen by its button."""
    form = PROXY_FORM.get(ctx)
    offered = _choices_of(ctx)
    if form is None or form.get("step") != "community" or not 0 <= data.pick < len(offered):
        return _expired(ctx)
    form["community"] = offered[data.pick]
    return preview(ctx, form)


@router.payload(ProxyBack, role=STAFF_ROLES, action=ACTION)
def step_back(ctx: Context, data: ProxyBack) -> Reply:
    """The question before; from the first, the 代办 screen."""
    form = PROXY_FORM.get(ctx)
    if form is None:
        return _expired(ctx)
    step = form.get("step")
    at = len(STEPS) if step == "preview" else STEPS.index(step)
    if at == 0:
        PROXY_FORM.leave(ctx)
        return ask_find(ctx)
    return ask(ctx, form, STEPS[at - 1])


def _expired(ctx: Context) -> Reply:
    PROXY_FORM.leave(ctx)
    ctx.expect = ""
    return Reply(ctx.t("proxy_form_expired"), (Choice(ctx.t("btn_proxy_register"), ProxyRegister().pack()),
                                              Choice(ctx.t("btn_menu"), "menu")))


@router.payload(ProxySave, role=STAFF_ROLES, action=ACTION)
def save(ctx: Context, data: ProxySave) -> Reply:
    """Register the person (or find them already registered) and show their card."""
    form = PROXY_FORM.leave(ctx)
    ctx.expect = ""
    if form is None or form.get("step") != "preview":
        return _expired(ctx)
    done = register_person(ctx.session, ctx.phones(), name=form["name"], phone=form["phone"],
                           community=form["community"], staff_id=ctx.actor_id, actor=actor_name(ctx), now=ctx.now)
    head = ctx.t("proxy_registered" if done.status == "registered" else "proxy_existing",
                 name=done.resident.display_name, community=done.resident.community)
    shown = card(ctx, done.resident)
    return Reply(f"{head}\n{shown.text}", shown.choices)
