"""意见反馈: residents send a wish or a complaint; organizers answer it (/feedback)."""
from __future__ import annotations

from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import main_menu_choices, menu_button
from bot.dialogs.paging import paged
from bot.dialogs.router import Load, Result, Router, fallback
from bot.dialogs.staff_access import actor_name, person_name, record_staff_action, refuse_unless, tell
from bot.dialogs.states import FEEDBACK, FEEDBACK_REPLY
from bot.messages import Choice, Reply
from store.feedback import mark_handled, open_feedback, submit
from store.models import Feedback
from store.models.feedback import FEEDBACK_CATEGORIES, NEW, REPLY_LIMIT, TEXT_LIMIT
from store.models.staff import ORGANIZER

EXPECT_TEXT = "fb_text"
EXPECT_REPLY = "fb_reply"
PREVIEW = 14  # characters of a message shown in the organizers' list



class Write(Callback, prefix="fb"):
    pass


class Kind(Callback, prefix="fbc"):
    category: str


class OpenList(Callback, prefix="fblist"):
    page: int | None = None


class View(Callback, prefix="fbsee"):
    feedback: int


class AskReply(Callback, prefix="fbans"):
    feedback: int


router = Router("feedback.flow")
router.menu(70, "btn_feedback", Write)
router.keywords({"意见反馈", "反馈", "建议", "需求反馈"}, Write)
router.keywords({"/feedback"}, OpenList)


@router.payload(Write)
def choose_category(ctx: Context, data: Write | None = None) -> Reply:
    """Which kind of feedback: 课程需求, 场馆, 服务, 投诉, 其他."""
    choices = [Choice(ctx.t(f"fb_cat_{c}"), Kind(c).pack()) for c in FEEDBACK_CATEGORIES]
    return Reply(ctx.t("fb_title"), tuple(choices + [menu_button(ctx)]))


@router.payload(Kind)
def ask_text(ctx: Context, data: Kind) -> Reply:
    """Ask for the message itself."""
    category = data.category
    if category not in FEEDBACK_CATEGORIES:
        return choose_category(ctx)
    ctx.expect = EXPECT_TEXT
    FEEDBACK.enter(ctx, {"cat": category})
    return Reply(ctx.t(f"fb_ask_{category}", limit=TEXT_LIMIT),
                 (Choice(ctx.t("btn_fb_other_kind"), Write().pack()), menu_button(ctx)))


@router.state(EXPECT_TEXT)
def take_text(ctx: Context, text: str) -> Result:
    """Keep the message; too long gets asked again, a stale one is a search."""
    step = FEEDBACK.get(ctx)
    if step is None:
        ctx.expect = ""
        FEEDBACK.leave(ctx)
        return fallback(ctx, text)
    result = submit(ctx.session, ctx.resident_id, step["cat"], text, ctx.now)
    if result.status == "too_long":
        ctx.expect = EXPECT_TEXT
        return Reply(ctx.t("fb_too_long", limit=TEXT_LIMIT, length=len(text.strip())),
                     (menu_button(ctx),))
    FEEDBACK.leave(ctx)
    if result.status != "saved":
        return choose_category(ctx)
    return Reply(ctx.t("fb_thanks"), main_menu_choices(ctx))


# ── /feedback for organizers ─────────────────────────────────────────────────

@router.payload(OpenList, role=ORGANIZER, action="feedback.list")
def feedback_list(ctx: Context, data: OpenList) -> Reply:
    """Messages not answered yet, oldest first."""
    items = open_feedback(ctx.session)
    if not items:
        return Reply(ctx.t("fbs_none"), (menu_button(ctx),))
    labels = [Choice(ctx.t("fbs_label", category=ctx.t(f"fb_cat_{f.category}"),
                           text=f.text[:PREVIEW] + ("…" if len(f.text) > PREVIEW else "")),
                     View(f.id).pack()) for f in items]
    choices, note = paged(ctx, labels, data.page, lambda p: OpenList(p).pack(), menu_button(ctx))
    return Reply(ctx.t("fbs_title", count=len(items)) + note, tuple(choices))


def _back(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_back"), OpenList().pack())


def _feedback(ctx: Context, data: View | AskReply) -> Feedback | None:
    return ctx.session.get(Feedback, data.feedback)


@router.payload(View, role=ORGANIZER, action="feedback.view", load=Load(
    _feedback, missing=lambda ctx: Reply(ctx.t("fbs_missing"), (_back(ctx), menu_button(ctx)))))
def feedback_detail(ctx: Context, data: View | AskReply, item: Feedback) -> Reply:
    """One message, with 回复 while it is open, or the reply it got."""
    back = _back(ctx)
    day = to_local(item.created_at, ctx.tz)
    text = ctx.t("fbs_detail", category=ctx.t(f"fb_cat_{item.category}"), month=day.month,
                 day=day.day, name=person_name(ctx, item.resident_id), text=item.text)
    if item.status != NEW:
        return Reply(text + "\n" + ctx.t("fbs_replied", reply=item.reply), (back, menu_button(ctx)))
    return Reply(text, (Choice(ctx.t("btn_fb_reply"), AskReply(item.id).pack()), back, menu_button(ctx)))


@router.payload(AskReply, role=ORGANIZER, action="feedback.handle", load=Load(
    _feedback, missing=lambda ctx: Reply(ctx.t("fbs_missing"), (menu_button(ctx),))))
def ask_reply(ctx: Context, data: AskReply, item: Feedback) -> Reply:
    """Ask for the reply the resident will get."""
    if item.status != NEW:
        return feedback_detail(ctx, data, item)
    ctx.expect = EXPECT_REPLY
    FEEDBACK_REPLY.enter(ctx, {"id": item.id})
    return Reply(ctx.t("fbs_ask_reply", limit=REPLY_LIMIT),
                 (Choice(ctx.t("btn_cancel_form"), View(item.id).pack()),))


@router.state(EXPECT_REPLY)
def send_reply(ctx: Context, text: str) -> Result:
    """Close the message with the reply and send the reply to the resident."""
    step = FEEDBACK_REPLY.get(ctx)
    if step is None:
        ctx.expect = ""
        return fallback(ctx, text)
    refused = refuse_unless(ctx, ORGANIZER, "feedback.handle")
    if refused:
        return refused
    result = mark_handled(ctx.session, step["id"], text, actor_name(ctx), ctx.now)
    if result.status in ("empty", "too_long"):
        ctx.expect = EXPECT_REPLY
        return Reply(ctx.t("fbs_bad_reply", limit=REPLY_LIMIT),
                     (Choice(ctx.t("btn_cancel_form"), View(step["id"]).pack()),))
    FEEDBACK_REPLY.leave(ctx)
    after = (_back(ctx), menu_button(ctx))
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
