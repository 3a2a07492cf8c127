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
from bot.dialogs import ROUTERS
from bot.dialogs.acting import lapse_if_not_allowed, with_banner
from bot.dialogs.choice_words import BACK, CANCEL, NEXT, PREV, exact_choice, group_name, near_choice
from bot.dialogs.context import Context, pressed_on_screen, remember_choices
from bot.dialogs.failures import are_retried, stored_update
from bot.dialogs.menus import main_menu
from bot.dialogs.router import Router, Routes
from bot.dialogs.states import chat_of, turn_state
from bot.dialogs.text_input import START_LINKS, as_number, clean_text
from bot.messages import Choice, Incoming, Reply, Turn
from bot.observability.metrics import observe_turn
from bot.settings import Settings
from bot.texts import t
from scheduler.outbox_worker import default_worker_id
from scheduler.replies import Delivered, Send, deliver_owed
from store.db import Database
from store.dialog_state import claim_update, load_state, save_state
from store.inbox import mark_done
from store.outbox import owe_replies
from store.people import Account, get_or_create_account, person_for_turn

log = logging.getLogger("linli.dialogs")


@dataclass
class Services:
    """What flows share: the app's routes, and helpers such as the search index cache."""

    routes: Routes
    cache: dict[str, Any] = field(default_factory=dict)


class Dialogs:
    """Runs one turn of a conversation inside one transaction, routed by the app's routers."""

    def __init__(self, db: Database, settings: Settings, clock=None, routers: list[Router] | None = None,
                 worker_id: str | None = None):
        self.db = db
        self.settings = settings
        self.clock = clock or SystemClock()
        self.routes = Routes(ROUTERS if routers is None else routers)
        self.services = Services(self.routes)
        self.worker_id = worker_id or default_worker_id()

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one update the caller shows at once (console, tests); duplicates get no answer."""
        return self.take_turn(incoming, owe=False).replies

    def take_turn(self, incoming: Incoming, owe: bool = True) -> Turn:
        """Answer one update; with owe, the replies are also outbox rows written in the turn's transaction.

        The caller sends them and records the outcome (scheduler.replies.deliver_owed); if it dies
        first, the tick sends them once the lease runs out. For an update a channel handles from its
        inbox (bot.dialogs.failures) a failed turn raises, so the channel tries the stored update
        again, instead of answering 系统繁忙; and its inbox row is marked done in the turn's
        transaction."""
        started = time.perf_counter()
        try:
            return self._handle(incoming, owe)
        except Exception as exc:
            if are_retried():
                log.warning("dialog turn failed channel=%s, to be retried: %r", incoming.channel, exc)
                raise
            log.exception("dialog turn failed channel=%s", incoming.channel)
            return Turn([Reply(t("busy", self.settings.general.language))])
        finally:
            observe_turn(incoming.channel, time.perf_counter() - started)

    async def deliver(self, turn: Turn, send: Send) -> Delivered:
        """Send a turn's replies in order and record each in its outbox row; failures wait for the tick."""
        return await deliver_owed(self.db, self.worker_id, turn.replies, turn.owed, send,
                                  self.clock.now, self.settings.scheduler.backoff_base_seconds)

    def _owe(self, session: Session, incoming: Incoming, account: Account,
             replies: list[Reply]) -> list[int]:
        account_id = account.id
        if not incoming.in_private:  # a group: the answer goes to the group
            account_id = get_or_create_account(session, incoming.channel, incoming.chat_id)[0].id
        now = self.clock.now()
        key = incoming.update_key or uuid.uuid4().hex
        return owe_replies(session, key_prefix=f"{incoming.channel}:reply:{key}",
                           payloads=[r.to_dict() for r in replies], account_id=account_id,
                           now=now, worker_id=self.worker_id,
                           lease_until=now + timedelta(seconds=self.settings.scheduler.lease_seconds))

    def _handle(self, incoming: Incoming, owe: bool) -> Turn:
        stored = stored_update()
        if stored is not None and (stored.channel, stored.key) != (incoming.channel, incoming.update_key):
            stored = None  # another update's turn (a 微信客服 message pulled by an event)
        turn = self._turn(incoming, owe, stored is not None)
        if stored is not None:
            stored.done = True
        return turn

    def _turn(self, incoming: Incoming, owe: bool, stored: bool) -> Turn:
        with self.db.session() as session:
            if stored:
                # Its inbox row is done when this commits. Flipping the row from pending is the
                # claim: a second turn of the update waits for this one's lock, then finds it done.
                if not mark_done(session, incoming.channel, [incoming.update_key], self.clock.now()):
                    return Turn([])
            elif incoming.update_key and not claim_update(session, incoming.channel, incoming.update_key):
                return Turn([])
            account, is_new = person_for_turn(session, incoming.channel, incoming.user_id, incoming.display_name)
            chat, now = chat_of(incoming), self.clock.now()
            saved = load_state(session, account.id, chat, now)
            ctx = Context(session=session, settings=self.settings, account=account, now=now,
                          expect=saved.expect, data=saved.data, services=self.services,
                          state=saved.state, state_expires=saved.expires_at, private=incoming.in_private)
            shown = ctx.data.get("choices")
            on_screen = pressed_on_screen(ctx.data, incoming)
            lapsed = lapse_if_not_allowed(ctx)
            if is_new and not incoming.payload and not incoming.unreadable and not self.is_deep_link(incoming.text):
                replies = [main_menu(ctx, greeting=True)]
            else:
                replies = self._route(ctx, incoming)
            replies = with_banner(ctx, replies)
            if lapsed:
                replies.insert(0, Reply(ctx.t("proxy_lapsed")))
            remember_choices(ctx.data, replies, before=shown)
            save_state(session, account.id, chat, turn_state(ctx))
            owed = self._owe(session, incoming, account, replies) if owe and replies else []
            return Turn(replies, owed, replaces_pressed=on_screen and bool(replies))

    def _route(self, ctx: Context, incoming: Incoming) -> list[Reply]:
        if incoming.payload is not None:
            ctx.data.pop("number_is_answer", None)
            return self._dispatch(ctx, incoming.payload)
        number_is_answer = ctx.data.pop("number_is_answer", False)
        if incoming.unreadable:  # the screen stays as it was, a number still answers its question
            if number_is_answer:
                ctx.expect_number_answer()
            return [self._screen_again(ctx, ctx.t("text_only"))]
        text = clean_text(incoming.text)
        limit = self.routes.text_limit(ctx.expect, self.settings.dialogs.max_text_length)
        if len(text) > limit:
            return [Reply(ctx.t("too_long", limit=limit), main_menu(ctx).choices)]
        takes_text = self.routes.expects_text(ctx.expect)
        number = as_number(text)
        if number is not None and not (number_is_answer and takes_text):
            return self._select_number(ctx, number)
        # The words of a button on this screen, then a feature's keyword, then part of a button.
        shown = self._shown(ctx).choices
        choice = exact_choice(text, shown)
        payload = choice.payload if choice else (self.routes.keyword_payload(text)
                                                 or self.routes.argument_payload(text))
        if payload is None:
            choice = near_choice(text, shown, strict=takes_text)
            payload = choice.payload if choice else None
        if payload is not None:
            return self._dispatch(ctx, payload)
        navigation = self._navigate(ctx, text, takes_text)
        if navigation is not None:
            return navigation
        if text.startswith("/"):
            return [main_menu(ctx, intro=ctx.t("unknown_command"))]
        answer = self.routes.answer_text(ctx, text) if text else None
        return answer or [self._screen_again(ctx, ctx.t("unknown"))]

    @staticmethod
    def _shown(ctx: Context) -> Reply:
        """The last screen with choices this chat was shown."""
        return Reply.from_dict(ctx.data.get("last") or {"text": ""})

    def _screen_again(self, ctx: Context, intro: str) -> Reply:
        """A short word on top of the current choices (the main menu when there are none)."""
        shown = self._shown(ctx)
        if not shown.choices:
            return main_menu(ctx, intro=intro)
        return Reply(intro, shown.choices)

    def _navigate(self, ctx: Context, text: str, takes_text: bool) -> list[Reply] | None:
        """返回, 取消, 上一页, 下一页 typed on a screen that has no such choice."""
        word = group_name(text)
        if word in (NEXT, PREV):
            return [self._screen_again(ctx, ctx.t("no_such_page", word=word))]
        if word not in (BACK, CANCEL):
            return None
        if takes_text:  # 取消 typed while a step waits for text: the screen's way home, never the text
            home = next((c for c in self._shown(ctx).choices if c.payload == "menu"), None)
            return self._dispatch(ctx, home.payload) if home else None
        if ctx.state:
            ctx.data.pop(ctx.state, None)
            ctx.state, ctx.state_expires = "", None
        ctx.expect = ""
        return [main_menu(ctx, intro=ctx.t("cancelled_back" if word == CANCEL else "back_to_menu"))]

    def _select_number(self, ctx: Context, number: int) -> list[Reply]:
        payloads = ctx.data.get("choices") or []
        if 1 <= number <= len(payloads):
            return self._dispatch(ctx, payloads[number - 1])
        if not payloads:
            return [main_menu(ctx, intro=ctx.t("no_choices"))]
        return [self._screen_again(ctx, ctx.t("bad_number", n=number, max=len(payloads)))]

    def _dispatch(self, ctx: Context, payload: str) -> list[Reply]:
        replies = self.routes.dispatch(ctx, payload)
        if replies is None:  # not a button of ours (any more): unknown, forged or unreadable
            return [main_menu(ctx, intro=ctx.t("expired"))]
        return replies

    def is_deep_link(self, text: str) -> bool:
        """True for "/start vote-12" or "/start course-CODE": the first message opens that directly."""
        payload = self.routes.argument_payload(clean_text(text))
        return bool(payload) and payload.split(":", 1)[0] in START_LINKS.values()


def number_choices(choices: tuple[Choice, ...]) -> list[str]:
    """'1. 服务菜单' lines for text-only channels."""
    return [f"{i}. {c.label}" for i, c in enumerate(choices, 1)]
