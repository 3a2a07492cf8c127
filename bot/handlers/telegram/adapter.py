"""The Telegram channel: updates in as Incoming, Replies out as messages with inline keyboards."""
from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.dialogs.engine import Dialogs
from bot.dialogs.notices.groups import bot_joined_group, bot_left_group, handle_in_group
from bot.messages import Incoming, Pressed, Turn
from bot.handlers.pacing import SharedPace
from bot.handlers.telegram.http_client import AiohttpRequest
from bot.handlers.telegram.lean_bot import LeanBot
from bot.handlers.telegram.limits import TelegramLimiter
from bot.handlers.telegram.delivery import deliver_turn
from bot.handlers.inbox import Inbox
from bot.handlers.telegram.menu import START, show_menu_keyboard
from bot.settings import Settings

CHANNEL = "telegram"
MAX_CONCURRENT_UPDATES = 128
# A button press costs up to two requests in the chat (keyboard removal and the answer, or the
# answer in the pressed screen's place): let a resident press three buttons in quick succession
# before the per-chat pace slows answers down.
CHAT_BURST = 6
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
# What a resident may send that the bot cannot read: answered with the current choices.
UNREADABLE = (filters.VOICE | filters.AUDIO | filters.Sticker.ALL | filters.PHOTO | filters.VIDEO
              | filters.VIDEO_NOTE | filters.Document.ALL | filters.LOCATION | filters.VENUE | filters.CONTACT
              | filters.ANIMATION)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]

log = logging.getLogger("linli.telegram")


def _in_chat(member: Any) -> bool:
    """True when a chat member status means the bot is in the chat."""
    if member.status == ChatMemberStatus.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR,
                             ChatMemberStatus.OWNER)


def _pressed(query: CallbackQuery) -> Pressed | None:
    """The pressed message's text and its buttons' data, when Telegram sent the message along."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    text = getattr(message, "text", None)
    if markup is None or text is None:
        return None
    return Pressed(text, tuple(button.callback_data for row in markup.inline_keyboard for button in row
                               if isinstance(button.callback_data, str)))


def _addressed_to_bot(message: Message, bot: Bot) -> bool:
    """In a group: a command for this bot (or for any bot, unnamed), or a reply to its message."""
    text = message.text or ""
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        _, _, name = command.partition("@")
        return not name or name.lower() == (bot.username or "").lower()
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


class PerUserProcessor(BaseUpdateProcessor):
    """Updates of one user run in arrival order; different users run side by side."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES):
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the same user's earlier updates, then process this one."""
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        self._users[user.id] = self._users.get(user.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[user.id] -= 1
            if not self._users[user.id]:
                del self._users[user.id], self._locks[user.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class TelegramChannel:
    """The handlers that connect a Telegram Application to the dialogs."""

    def __init__(self, dialogs: Dialogs, inbox: Inbox | None = None, presses_answered: bool = False):
        self.dialogs = dialogs
        self.inbox = inbox
        # True in webhook mode: the webhook's HTTP response has answered every press already.
        self.presses_answered = presses_answered

    def from_inbox(self, handler: Handler) -> Handler:
        """The handler, for updates kept in the inbox: marked done when it ran, tried again when it failed."""
        inbox = self.inbox
        if inbox is None:
            return handler

        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            key = str(update.update_id)
            try:
                with inbox.handling(key) as stored:
                    await handler(update, context)
            except Exception:
                # Queued again after a pause: the same handlers, in this user's order.
                inbox.failed(key, lambda: context.application.update_queue.put(update))
                raise  # the error handler logs it
            await inbox.done(key, stored)
        return run

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An update no other handler takes (an edit, a sticker …): nothing to answer."""

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Typed text or a command."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.text:
            return
        if message.chat.type != ChatType.PRIVATE and not _addressed_to_bot(message, context.bot):
            return
        in_group = message.chat.type != ChatType.PRIVATE
        extra = {"chat_title": message.chat.title or ""} if in_group else {}
        incoming = Incoming(CHANNEL, str(user.id), text=message.text, update_key=str(update.update_id),
                            display_name=user.full_name, extra=extra, chat_id=str(message.chat_id))
        if in_group:  # a group command may concern the group itself (/bind)
            turn = await asyncio.to_thread(handle_in_group, self.dialogs, incoming)
        else:
            turn = await asyncio.to_thread(self.dialogs.take_turn, incoming)
            if turn.replies and message.text.split(maxsplit=1)[0] == START:  # once, not on a redelivery
                await show_menu_keyboard(context.bot, message.chat_id, self.dialogs.settings.general.language)
        await deliver_turn(self.dialogs, context.bot, message.chat_id, turn)

    async def on_unreadable(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A voice message, sticker, photo, file or location in the private chat: the current choices again."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        incoming = Incoming(CHANNEL, str(user.id), update_key=str(update.update_id), display_name=user.full_name,
                            chat_id=str(message.chat_id), unreadable=True)
        turn = await asyncio.to_thread(self.dialogs.take_turn, incoming)
        await deliver_turn(self.dialogs, context.bot, message.chat_id, turn)

    async def on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was added to a group (say hello) or removed from it (stop sending there)."""
        change = update.my_chat_member
        if change is None or change.chat.type == ChatType.PRIVATE:
            return
        was_in, now_in = _in_chat(change.old_chat_member), _in_chat(change.new_chat_member)
        chat, key = change.chat, str(update.update_id)
        if now_in and not was_in:
            replies = await asyncio.to_thread(bot_joined_group, self.dialogs, CHANNEL, str(chat.id),
                                              chat.title or "", key)
            # A hello the group does not take (only admins may write) is logged, not retried.
            await deliver_turn(self.dialogs, context.bot, chat.id, Turn(replies))
        elif was_in and not now_in:
            await asyncio.to_thread(bot_left_group, self.dialogs, CHANNEL, str(chat.id), key)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button."""
        query = update.callback_query
        if not query.data:
            await self._answer(query)
            return
        user = query.from_user
        chat_id = query.message.chat.id if query.message else user.id
        # A press in a group answers the choices shown in that group, not the private chat's.
        incoming = Incoming(CHANNEL, str(user.id), payload=query.data, update_key=str(update.update_id),
                            display_name=user.full_name, chat_id=str(chat_id), pressed=_pressed(query))
        turn = await asyncio.to_thread(self.dialogs.take_turn, incoming)
        if not turn.replies:
            # A duplicate delivery (another worker, or a retry): whoever took it answers the press.
            return
        # Answered after the turn claimed the update, so a press delivered twice is answered once.
        drop = functools.partial(self._drop_keyboard, context.bot, query)
        if turn.replaces_pressed and query.message is not None:
            # The answer takes the pressed screen's place; its buttons go only if it cannot.
            await self._answer(query)
            await deliver_turn(self.dialogs, context.bot, chat_id, turn, query.message.message_id, drop)
            return
        await asyncio.gather(self._answer(query), drop())
        await deliver_turn(self.dialogs, context.bot, chat_id, turn)

    async def _answer(self, query: CallbackQuery) -> None:
        if self.presses_answered:
            return
        try:
            await query.answer()
        except TelegramError as exc:
            log.info("callback answer failed: %s", exc)

    @staticmethod
    async def _drop_keyboard(bot: LeanBot, query: CallbackQuery) -> None:
        # Old buttons pressed again by accident would repeat the step.
        if query.message is None or getattr(query.message, "reply_markup", None) is None:
            return
        try:
            await bot.drop_keyboard(query.message.chat.id, query.message.message_id)
        except TelegramError as exc:
            log.debug("keyboard not removed: %s", exc)

    @staticmethod
    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failed update without its content."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.warning("telegram update %s failed: %r", update_id, context.error)


def build_application(dialogs: Dialogs, settings: Settings, *, max_retries: int = 1,
                      inbox: Inbox | None = None, presses_answered: bool = False) -> Application:
    """A python-telegram-bot Application wired to the dialogs (max_retries: retries after a 429).

    With an inbox, every update's handling marks its stored row done, or tries it again;
    presses_answered: the webhook's responses answer the presses, the handlers do not."""
    tg = settings.telegram
    token = tg.token.get_secret_value()
    if not token:
        raise ValueError("telegram token is not set (LINLI_TELEGRAM__TOKEN)")
    # One set of limits for every worker on this database: replies and the outbox alike.
    limiter = TelegramLimiter.from_settings(tg, max_retries=max_retries, chat_burst=CHAT_BURST,
                                            shared=SharedPace(dialogs.db))
    bot = LeanBot(token, base_url=tg.base_url, base_file_url=tg.base_file_url,
                  request=AiohttpRequest(tg.connection_pool_size, pool_timeout=tg.pool_timeout_seconds),
                  get_updates_request=AiohttpRequest(1, pool_timeout=tg.pool_timeout_seconds),
                  rate_limiter=limiter)
    app = Application.builder().bot(bot).concurrent_updates(PerUserProcessor()).build()
    channel = TelegramChannel(dialogs, inbox, presses_answered)
    stored = channel.from_inbox
    new_text = filters.UpdateType.MESSAGE & filters.TEXT
    app.add_handler(MessageHandler(new_text & (filters.ChatType.PRIVATE | filters.ChatType.GROUPS),
                                   stored(channel.on_message)))
    unreadable = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.TEXT & UNREADABLE
    app.add_handler(MessageHandler(unreadable, stored(channel.on_unreadable)))
    app.add_handler(CallbackQueryHandler(stored(channel.on_button)))
    app.add_handler(ChatMemberHandler(stored(channel.on_membership), ChatMemberHandler.MY_CHAT_MEMBER))
    if inbox is not None:  # every stored update ends in one handler, which marks it done
        app.add_handler(TypeHandler(Update, stored(channel.on_other)))
    app.add_error_handler(channel.on_error)
    return app


def run_polling(dialogs: Dialogs, settings: Settings) -> None:
    """Serve Telegram by long polling until interrupted (one process)."""
    app = build_application(dialogs, settings)
    app.run_polling(allowed_updates=ALLOWED_UPDATES)
