"""Taking the comment a rating waits for: shared by class ratings and order ratings."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.states import State


def take_pending_comment(ctx: Context, state: State) -> dict | None:
    """The rating waiting for a comment in `state`, unless that lapsed; cleared either way."""
    ctx.expect = ""
    return state.leave(ctx) or None
