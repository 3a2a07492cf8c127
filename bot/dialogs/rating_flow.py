"""The satisfaction poll after a session: 优/良/中/差, then an optional comment."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.menus import main_menu_choices, menu_button
from bot.dialogs.push_render import grade_choices
from bot.messages import Choice, Reply
from bot.dialogs.router import TEXTS, as_list, on_payload, on_text
from bot.dialogs.reminder_plan import poll_closes_at
from bot.dialogs.states import RATING_COMMENT, State
from store.models import ClassSession
from store.ratings import add_comment, record_rating

COMMENT_EXPECT = "rating_comment"


@on_payload("rt")
def rate(ctx: Context, args: list[str]) -> Reply:
    """Record a grade for a session and offer to leave a comment."""
    after = (menu_button(ctx),)
    cls = ctx.session.get(ClassSession, int(args[0])) if args and args[0].isdigit() else None
    if cls is None:
        return Reply(ctx.t("session_missing"), after)
    grade = args[1] if len(args) > 1 else ""
    result = record_rating(ctx.session, cls.id, ctx.resident_id, grade, ctx.now,
                           poll_closes_at(ctx.settings, cls))
    if result.status == "recorded":
        ctx.expect = COMMENT_EXPECT
        RATING_COMMENT.enter(ctx, {"session_id": cls.id})
        return Reply(ctx.t("rating_recorded", grade=result.grade),
                     (Choice(ctx.t("btn_skip"), f"rts:{cls.id}"), menu_button(ctx)))
    if result.status == "already":
        return Reply(ctx.t("rating_already", grade=result.grade), after)
    if result.status == "bad_grade":
        return Reply(ctx.t("rating_bad"), grade_choices(cls.id) + after)
    key = {"closed": "rating_closed", "not_ended": "rating_not_ended"}.get(
        result.status, "rating_not_enrolled")
    return Reply(ctx.t(key), after)


@on_payload("rts")
def skip_comment(ctx: Context, args: list[str]) -> Reply:
    """No comment this time."""
    RATING_COMMENT.leave(ctx)
    return Reply(ctx.t("comment_skipped"), main_menu_choices(ctx))


def take_pending_comment(ctx: Context, state: State) -> dict | None:
    """The rating waiting for a comment in `state`, unless that lapsed; cleared either way."""
    ctx.expect = ""
    return state.leave(ctx) or None


@on_text(COMMENT_EXPECT)
def comment(ctx: Context, text: str) -> list[Reply]:
    """Keep what the resident typed as the comment of the rating just given."""
    pending = take_pending_comment(ctx, RATING_COMMENT)
    if pending is None:
        return as_list(TEXTS["search"](ctx, text))
    status = add_comment(ctx.session, int(pending["session_id"]), ctx.resident_id, text)
    key = {"saved": "comment_saved", "already": "comment_already"}.get(status, "comment_skipped")
    return [Reply(ctx.t(key), main_menu_choices(ctx))]
