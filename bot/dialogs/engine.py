"""The one entry point every channel calls: an Incoming in, Replies out, state kept in the store."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot.clock import SystemClock
from bot.dialogs import flows  # noqa: F401  (registers every flow)
from bot.dialogs.context import Context
from bot.dialogs.menus import main_menu
from bot.messages import Choice, Incoming, Reply, Turn
from bot.dialogs.router import PAYLOADS, TEXT_LIMITS, TEXTS, as_list, split_payload
from bot.dialogs.text_input import argument_payload, as_number, clean_text, keyword_payload
from bot.observability.metrics import observe_turn
from bot.settings import Settings
from bot.texts import t
from scheduler.outbox_worker import default_worker_id
from store.db import Database
from store.dialog_state import claim_update, load_state, save_state
from store.models import ChannelAccount
from store.outbox import owe_replies
from store.people import get_or_create_account

log = logging.getLogger("linli.dialogs")


@dataclass
class Services:
    """Shared helpers flows use (search index cache and the like)."""

    cache: dict[str, Any] = field(default_factory=dict)


class Dialogs:
    """Runs one turn of a conversation inside one transaction."""

    def __init__(self, db: Database, settings: Settings, clock=None, worker_id: str | None = None):
        self.db = db
        self.settings = settings
        self.clock = clock or SystemClock()
        self.services = Services()
        self.worker_id = worker_id or default_worker_id()

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one update the caller shows at once (console, tests); duplicates get no answer."""
        return self.take_turn(incoming, owe=False).replies

    def take_turn(self, incoming: Incoming, owe: bool = True) -> Turn:
        """Answer one update; with owe, the replies are also outbox rows written in the turn's transaction.

        The caller sends them and records the outcome (scheduler.replies.deliver_owed); if it dies
        first, the tick sends them once the lease runs out."""
        started = time.perf_counter()
        try:
            return self._handle(incoming, owe)
        except Exception:
            log.exception("dialog turn failed channel=%s", incoming.channel)
            return Turn([Reply(t("busy", self.settings.general.language))])
        finally:
            observe_turn(incoming.channel, time.perf_counter() - started)

    def _owe(self, session: Session, incoming: Incoming, account: ChannelAccount,
             replies: list[Reply]) -> list[int]:
        chat = str(incoming.extra.get("chat_id") or "")
        if chat and chat != incoming.user_id:  # a group: the answer goes to the group
            account, _ = get_or_create_account(session, incoming.channel, chat)
        now = self.clock.now()
        key = incoming.update_key or uuid.uuid4().hex
        return owe_replies(session, key_prefix=f"{incoming.channel}:reply:{key}",
                           payloads=[r.to_dict() for r in replies], account_id=account.id,
                           now=now, worker_id=self.worker_id,
                           lease_until=now + timedelta(seconds=self.settings.scheduler.lease_seconds))

    def _handle(self, incoming: Incoming, owe: bool) -> Turn:
        with self.db.session() as session:
            if incoming.update_key and not claim_update(session, incoming.channel, incoming.update_key):
                return Turn([])
            account, is_new = get_or_create_account(
                session, incoming.channel, incoming.user_id, incoming.display_name)
            expect, data = load_state(session, account.id)
            ctx = Context(session=session, settings=self.settings, account=account,
                          now=self.clock.now(), expect=expect, data=data, services=self.services)
            if is_new and not incoming.payload and not is_deep_link(incoming.text):
                replies = [main_menu(ctx, greeting=True)]
            else:
                replies = self._route(ctx, incoming)
            self._remember(ctx, replies)
            save_state(session, account.id, ctx.expect, ctx.data)
            owed = self._owe(session, incoming, account, replies) if owe and replies else []
            return Turn(replies, owed)

    def _route(self, ctx: Context, incoming: Incoming) -> list[Reply]:
        if incoming.payload is not None:
            ctx.data.pop("number_is_answer", None)
            return self._dispatch(ctx, incoming.payload)
        number_is_answer = ctx.data.pop("number_is_answer", False)
        text = clean_text(incoming.text)
        limit = TEXT_LIMITS.get(ctx.expect, self.settings.dialogs.max_text_length)
        if len(text) > limit:
            return [Reply(ctx.t("too_long", limit=limit), main_menu(ctx).choices)]
        number = as_number(text)
        if number is not None and not (number_is_answer and ctx.expect in TEXTS):
            return self._select_number(ctx, number)
        payload = keyword_payload(text) or argument_payload(text)
        if payload is not None:
            return self._dispatch(ctx, payload)
        if text.startswith("/"):
            return [main_menu(ctx, intro=ctx.t("unknown_command"))]
        if not text:
            return [main_menu(ctx, intro=ctx.t("unknown"))]
        handler = TEXTS.get(ctx.expect) or TEXTS["search"]
        return as_list(handler(ctx, text))

    def _select_number(self, ctx: Context, number: int) -> list[Reply]:
        payloads = ctx.data.get("choices") or []
        if 1 <= number <= len(payloads):
            return self._dispatch(ctx, payloads[number - 1])
        if not payloads:
            return [main_menu(ctx, intro=ctx.t("no_choices"))]
        last = Reply.from_dict(ctx.data.get("last") or {"text": ""})
        intro = ctx.t("bad_number", n=number, max=len(payloads))
        return [Reply(f"{intro}\n\n{last.text}".strip(), last.choices)]

    def _dispatch(self, ctx: Context, payload: str) -> list[Reply]:
        verb, args = split_payload(payload)
        handler = PAYLOADS.get(verb)
        if handler is None or any(map(unreadable_number, args)):
            return [main_menu(ctx, intro=ctx.t("expired"))]
        ctx.expect = ""
        return as_list(handler(ctx, args))

    @staticmethod
    def _remember(ctx: Context, replies: list[Reply]) -> None:
        """Keep the last choices shown, so a typed number means the same as a tap."""
        remember_choices(ctx.data, replies)


# The largest id a database integer column holds.
MAX_ID = 2 ** 63 - 1


def unreadable_number(arg: str) -> bool:
    """True for digits int() cannot read ("²", "①") or a number too big for an id: forged, not ours."""
    if any(ch.isdigit() and not ch.isdecimal() for ch in arg):
        return True
    try:
        return abs(int(arg)) > MAX_ID
    except ValueError:  # not a number, or too many digits for int() to read
        return arg.strip().isdecimal()


def is_deep_link(text: str) -> bool:
    """True for "/start vote-12" or "/start course-CODE": the first message opens that directly."""
    payload = argument_payload(clean_text(text))
    return bool(payload) and payload.split(":", 1)[0] in ("vote", "crs")


def remember_choices(data: dict[str, Any], replies: list[Reply]) -> None:
    """Store the choices of the last reply that has any into state data."""
    for reply in reversed(replies):
        if reply.choices:
            data["choices"] = [c.payload for c in reply.choices]
            data["last"] = reply.to_dict()
            return


def number_choices(choices: tuple[Choice, ...]) -> list[str]:
    """'1. 服务菜单' lines for text-only channels."""
    return [f"{i}. {c.label}" for i, c in enumerate(choices, 1)]
