"""The satisfaction poll after a session: 优/良/中/差, then an optional comment."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.courses.callbacks import Rate, SkipComment
from bot.dialogs.menus import main_menu_choices, menu_button
from bot.dialogs.pushes.plan import poll_closes_at
from bot.dialogs.pushes.render import grade_choices
from bot.dialogs.router import Load, Router, fallback
from bot.dialogs.steps import take_pending_comment
from bot.messages import Choice, Reply
from bot.dialogs.states import RATING_COMMENT
from store.models import ClassSession
from store.ratings import add_comment, record_rating

COMMENT_EXPECT = "rating_comment"

router = Router("courses.ratings")

SESSION = Load(lambda ctx, data: ctx.session.get(ClassSession, data.session),
               missing=lambda ctx: Reply(ctx.t("session_missing"), (menu_button(ctx),)))


@router.payload(Rate, load=SESSION)
def rate(ctx: Context, data: Rate, cls: ClassSession) -> Reply:
    """Record a grade for a session and offer to leave a comment."""
    after = (menu_button(ctx),)
    result = record_rating(ctx.session, cls.id, ctx.resident_id, data.grade or "", ctx.now,
                           poll_closes_at(ctx.settings, cls))
    if result.status == "recorded":
        ctx.expect = COMMENT_EXPECT
        RATING_COMMENT.enter(ctx, {"session_id": cls.id})
        return Reply(ctx.t("rating_recorded", grade=result.grade),
                     (Choice(ctx.t("btn_skip"), SkipComment(cls.id).pack()), menu_button(ctx)))
    if result.status == "already":
        return Reply(ctx.t("rating_already", grade=result.grade), after)
    if result.status == "bad_grade":
        return Reply(ctx.t("rating_bad"), grade_choices(cls.id) + after)
    key = {"closed": "rating_closed", "not_ended": "rating_not_ended"}.get(
        result.status, "rating_not_enrolled")
    return Reply(ctx.t(key), after)


@router.payload(SkipComment)
def skip_comment(ctx: Context, data: SkipComment) -> Reply:
    """No comment this time."""
    RATING_COMMENT.leave(ctx)
    return Reply(ctx.t("comment_skipped"), main_menu_choices(ctx))


@router.state(COMMENT_EXPECT)
def comment(ctx: Context, text: str) -> list[Reply]:
    """Keep what the resident typed as the comment of the rating just given."""
    pending = take_pending_comment(ctx, RATING_COMMENT)
    if pending is None:
        return fallback(ctx, text)
    status = add_comment(ctx.session, int(pending["session_id"]), ctx.resident_id, text)
    key = {"saved": "comment_saved", "already": "comment_already"}.get(status, "comment_skipped")
    return [Reply(ctx.t(key), main_menu_choices(ctx))]
