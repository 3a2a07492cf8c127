"""Where dialog state lives, and the named states of multi-step flows with how long each is kept.

State is kept per account and chat: the private chat, or a group. Ordinary screens (the choices last
shown, what typed text means) never lapse. A multi-step flow keeps its data in a named State instead:
the data sits under the state's name, and the row records when it lapses. The next turn after that
loads the row without it (store.dialog_state drops it), so the flow finds nothing, exactly as if the
step had never been started, and answers as it does then. A chat is in one named state at a time:
entering another one ends the first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.dialogs.context import Context
from bot.messages import Incoming
from store.dialog_state import ChatState
from store.models.dialog import PRIVATE_CHAT


@dataclass(frozen=True)
class State:
    """A named step of a flow; ttl None keeps it until the flow ends it."""

    name: str
    ttl: timedelta | None = None

    def enter(self, ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        """Start (or restart) the state with this data, kept for ttl from now; returns the data."""
        if ctx.state and ctx.state != self.name:
            ctx.data.pop(ctx.state, None)
        ctx.state = self.name
        ctx.data[self.name] = data
        self.keep(ctx)
        return data

    def get(self, ctx: Context) -> dict[str, Any] | None:
        """The state's data, or None when the chat is not in it (never started, ended, or lapsed)."""
        data = ctx.data.get(self.name) if ctx.state == self.name else None
        return data if isinstance(data, dict) else None

    def keep(self, ctx: Context) -> None:
        """Count the ttl again from now: an answered step gives the person the full time again."""
        if ctx.state == self.name:
            ctx.state_expires = ctx.now + self.ttl if self.ttl is not None else None

    def leave(self, ctx: Context) -> dict[str, Any] | None:
        """End the state; returns its data as get() would have."""
        data = self.get(ctx)
        ctx.data.pop(self.name, None)
        if ctx.state == self.name:
            ctx.state, ctx.state_expires = "", None
        return data


# Every timed state, in one place. An hour: text typed later is more likely a search than a late answer,
# and a worker starts a notice again rather than send something stale.
STEP_TTL = timedelta(hours=1)
RATING_COMMENT = State("rating", STEP_TTL)         # a class rated, a comment may follow
ORDER_COMMENT = State("order_rating", STEP_TTL)    # an order rated, a comment may follow
VOLUNTEER_FORM = State("vol_form", STEP_TTL)       # registering as a volunteer, one question at a time
VOLUNTEER_REJECT = State("vol_reject", STEP_TTL)   # an organizer typing why a registration is turned down
CREDIT = State("credit", STEP_TTL)                 # an organizer crediting points: points, then reason
FEEDBACK = State("fb", STEP_TTL)                   # a resident typing feedback of the kind chosen
FEEDBACK_REPLY = State("fb_reply", STEP_TTL)       # an organizer typing the reply to a feedback
NOTICE_DRAFT = State("notice", STEP_TTL)           # a notice being composed
ROLL_CALL = State("roll", STEP_TTL)                # a teacher or staff taking a session's roll
SHIFT_FORM = State("shift_form", STEP_TTL)         # an organizer posting a volunteer shift, one question at a time
PUBLISH_FORM = State("publish_form", STEP_TTL)     # an organizer publishing a course, one question at a time
COURSE_CHANGE = State("course_change", STEP_TTL)   # an organizer moving, cancelling or adding a session, or messaging
PROXY_FORM = State("proxy_form", STEP_TTL)         # staff registering a resident who has no chat account


def chat_of(incoming: Incoming) -> str:
    """The chat key of the state an update reads and writes: the private chat, or the group's id."""
    return PRIVATE_CHAT if incoming.in_private else incoming.chat_id


def turn_state(ctx: Context) -> ChatState:
    """What the turn leaves in the chat's state row."""
    return ChatState(ctx.expect, ctx.data, ctx.state, ctx.state_expires)
