"""Replies the adapter could not send (429, 5xx, network) go to the outbox instead of being dropped."""
from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.handlers.reply_queue import queue_replies as queue_for
from bot.handlers.reply_queue import reply_key as shared_reply_key
from bot.messages import Reply
from scheduler.senders import RETRY
from bot.handlers.telegram.render import send_reply
from bot.handlers.telegram.sender import classify
from store.db import Database

CHANNEL = "telegram"

log = logging.getLogger("linli.telegram")


def reply_key(update_key: str, index: int) -> str:
    """The outbox idempotency key of the index-th reply to an update."""
    return shared_reply_key(CHANNEL, update_key, index)


def queue_replies(db: Database, chat_id: int | str, replies: list[Reply], update_key: str,
                  first_index: int) -> int:
    """Put replies into the outbox for the chat's account, due now and urgent; returns how many were new."""
    return queue_for(db, CHANNEL, str(chat_id), replies, update_key, first_index)


async def send_or_queue(db: Database, bot: Bot, chat_id: int | str, replies: list[Reply],
                        update_key: str = "") -> int:
    """Send replies in order; from the first that fails for a passing reason on, queue the rest.

    Returns how many were queued. Errors retrying cannot cure (blocked, bad request) are raised.
    """
    for index, reply in enumerate(replies):
        try:
            await send_reply(bot, chat_id, reply)
        except TelegramError as exc:
            if classify(exc).kind != RETRY or not update_key:
                raise
            rest = replies[index:]
            # The later replies are queued too rather than sent ahead of the one that failed.
            await asyncio.to_thread(queue_replies, db, chat_id, rest, update_key, index)
            log.warning("telegram reply to update %s not sent (%s): %d queued in the outbox",
                        update_key, type(exc).__name__, len(rest))
            return len(rest)
    return 0
