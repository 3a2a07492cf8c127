"""Steps kept in the dialog state between turns (a form half filled, a rating waiting for its comment),
valid only for a while: text typed long after is more likely a search than a late answer."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.dialogs.context import Context

# A half-typed step left for this long is dropped; later text is a search again.
STEP_WINDOW = timedelta(hours=1)
# Text typed long after a rating is more likely a search than a late comment.
COMMENT_WINDOW = timedelta(hours=1)


def fresh(step: object, now: datetime, window: timedelta) -> bool:
    """True when a step's "at" time is within the window."""
    try:
        return now - datetime.fromisoformat(step["at"]) <= window  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return False


def pending_step(ctx: Context, key: str) -> dict | None:
    """A step kept in state data under `key`, if it is recent."""
    step = ctx.data.get(key)
    return step if fresh(step, ctx.now, STEP_WINDOW) else None


def take_pending_comment(ctx: Context, key: str) -> dict | None:
    """The rating waiting for a comment under `key`, if given within the comment window; cleared either way."""
    pending = ctx.data.pop(key, None) or {}
    ctx.expect = ""
    return pending if fresh(pending, ctx.now, COMMENT_WINDOW) else None
