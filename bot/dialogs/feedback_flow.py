"""意见反馈: residents send a wish or a complaint; organizers answer it (/feedback)."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import add_menu_item, main_menu_choices, menu_button
from bot.messages import Choice, Reply
from bot.dialogs.router import TEXTS, Result, on_payload, on_text
from bot.dialogs.staff_access import actor_name, record_staff_action, refuse_unless
from bot.dialogs.states import FEEDBACK, FEEDBACK_REPLY
from bot.dialogs.volunteer_staff_flow import paged, person_name, tell
from store.feedback import mark_handled, open_feedback, submit
from store.models import Feedback
from store.models.feedback import FEEDBACK_CATEGORIES, NEW, REPLY_LIMIT, TEXT_LIMIT
from store.models.staff import ORGANIZER

EXPECT_TEXT = "fb_text"
EXPECT_REPLY = "fb_reply"
PREVIEW = 14  # characters of a message shown in the organizers' list

add_menu_item(70, "btn_feedback", "fb", where="more")


@on_payload("fb")
def choose_category(ctx: Context, args: list[str]) -> Reply:
    """Which kind of feedback: 课程需求, 场馆, 服务, 投诉, 其他."""
    choices = [Choice(ctx.t(f"fb_cat_{c}"), f"fbc:{c}") for c in FEEDBACK_CATEGORIES]
    return Reply(ctx.t("fb_title"), tuple(choices + [menu_button(ctx)]))


@on_payload("fbc")
def ask_text(ctx: Context, args: list[str]) -> Reply:
    """Ask for the message itself."""
    category = args[0] if args else ""
    if category not in FEEDBACK_CATEGORIES:
        return choose_category(ctx, [])
    ctx.expect = EXPECT_TEXT
    FEEDBACK.enter(ctx, {"cat": category})
    return Reply(ctx.t(f"fb_ask_{category}", limit=TEXT_LIMIT),
                 (Choice(ctx.t("btn_fb_other_kind"), "fb"), menu_button(ctx)))


@on_text(EXPECT_TEXT)
def take_text(ctx: Context, text: str) -> Result:
    """Keep the message; too long gets asked again, a stale one is a search."""
    step = FEEDBACK.get(ctx)
    if step is None:
        ctx.expect = ""
        return TEXTS["search"](ctx, text)
    result = submit(ctx.session, ctx.resident_id, step["cat"], text, ctx.now)
    if result.status == "too_long":
        ctx.expect = EXPECT_TEXT
        return Reply(ctx.t("fb_too_long", limit=TEXT_LIMIT, length=len(text.strip())),
                     (menu_button(ctx),))
    FEEDBACK.leave(ctx)
    if result.status != "saved":
        return choose_category(ctx, [])
    return Reply(ctx.t("fb_thanks"), main_menu_choices(ctx))


# ── /feedback for organizers ─────────────────────────────────────────────────

@on_payload("fblist")
def feedback_list(ctx: Context, args: list[str]) -> Reply:
    """Messages not answered yet, oldest first."""
    refused = refuse_unless(ctx, ORGANIZER, "feedback.list")
    if refused:
        return refused
    items = open_feedback(ctx.session)
    if not items:
        return Reply(ctx.t("fbs_none"), (menu_button(ctx),))
    labels = [Choice(ctx.t("fbs_label", category=ctx.t(f"fb_cat_{f.category}"),
                           text=f.text[:PREVIEW] + ("…" if len(f.text) > PREVIEW else "")),
                     f"fbsee:{f.id}") for f in items]
    choices, note = paged(ctx, labels, args, "fblist", menu_button(ctx))
    return Reply(ctx.t("fbs_title", count=len(items)) + note, tuple(choices))


def _feedback(ctx: Context, args: list[str]) -> Feedback | None:
    return ctx.session.get(Feedback, int(args[0])) if args and args[0].isdigit() else None


@on_payload("fbsee")
def feedback_detail(ctx: Context, args: list[str]) -> Reply:
    """One message, with 回复 while it is open, or the reply it got."""
    refused = refuse_unless(ctx, ORGANIZER, "feedback.view")
    if refused:
        return refused
    item = _feedback(ctx, args)
    back = Choice(ctx.t("btn_back"), "fblist")
    if item is None:
        return Reply(ctx.t("fbs_missing"), (back, menu_button(ctx)))
    day = to_local(item.created_at, ctx.tz)
    text = ctx.t("fbs_detail", category=ctx.t(f"fb_cat_{item.category}"), month=day.month,
                 day=day.day, name=person_name(ctx, item.resident_id), text=item.text)
    if item.status != NEW:
        return Reply(text + "\n" + ctx.t("fbs_replied", reply=item.reply), (back, menu_button(ctx)))
    return Reply(text, (Choice(ctx.t("btn_fb_reply"), f"fbans:{item.id}"), back, menu_button(ctx)))


@on_payload("fbans")
def ask_reply(ctx: Context, args: list[str]) -> Reply:
    """Ask for the reply the resident will get."""
    refused = refuse_unless(ctx, ORGANIZER, "feedback.handle")
    if refused:
        return refused
    item = _feedback(ctx, args)
    if item is None or item.status != NEW:
        return feedback_detail(ctx, args) if item else Reply(ctx.t("fbs_missing"), (menu_button(ctx),))
    ctx.expect = EXPECT_REPLY
    FEEDBACK_REPLY.enter(ctx, {"id": item.id})
    return Reply(ctx.t("fbs_ask_reply", limit=REPLY_LIMIT),
                 (Choice(ctx.t("btn_cancel_form"), f"fbsee:{item.id}"),))


@on_text(EXPECT_REPLY)
def send_reply(ctx: Context, text: str) -> Result:
    """Close the message with the reply and send the reply to the resident."""
    step = FEEDBACK_REPLY.get(ctx)
    if step is None:
        ctx.expect = ""
        return TEXTS["search"](ctx, text)
    refused = refuse_unless(ctx, ORGANIZER, "feedback.handle")
    if refused:
        return refused
    result = mark_handled(ctx.session, step["id"], text, actor_name(ctx), ctx.now)
    if result.status in ("empty", "too_long"):
        ctx.expect = EXPECT_REPLY
        return Reply(ctx.t("fbs_bad_reply", limit=REPLY_LIMIT),
                     (Choice(ctx.t("btn_cancel_form"), f"fbsee:{step['id']}"),))
    FEEDBACK_REPLY.leave(ctx)
    after = (Choice(ctx.t("btn_back"), "fblist"), menu_button(ctx))
    if result.status != "handled":
        return Reply(ctx.t("fbs_already" if result.status == "already" else "fbs_missing"), after)
    item = result.feedback
    record_staff_action(ctx, "feedback.handle", f"feedback:{item.id}", reply=item.reply)
    day = to_local(item.created_at, ctx.tz)
    tell(ctx, item.resident_id, f"feedback:{item.id}:reply", "feedback",
         Reply(ctx.t("fb_reply_push", month=day.month, day=day.day,
                     text=item.text[:PREVIEW] + ("…" if len(item.text) > PREVIEW else ""),
                     reply=item.reply), (Choice(ctx.t("btn_menu"), "menu"),)))
    return Reply(ctx.t("fbs_done"), after)
