"""Telegram webhook: updates POSTed by Telegram to our aiohttp server, handed to the Application.

Several workers sit behind one reverse proxy; any of them may get any update, and the same
update may reach two of them (Telegram retries). The dialogs de-duplicate by update id in the
store, so this route only checks the secret, parses, stores the update in the inbox, queues it
and answers. An update that cannot be stored (the database is away) is answered 503, so Telegram
delivers it again; one whose handling fails after the 200 is tried again from its row.
"""
from __future__ import annotations

import hmac
import logging
import re

from aiohttp import web
from telegram import Bot, Update
from telegram.ext import Application

from bot.handlers.http_body import BodyTooLarge, read_limited, strict_json
from bot.handlers.inbox import Inbox
from bot.handlers.telegram.adapter import ALLOWED_UPDATES
from bot.observability.metrics import count_inbox
from bot.settings import Settings

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram accepts 1–256 characters from this set as a secret token.
SECRET_FORM = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# A real update is a few kilobytes; a message with a reply it quotes stays far below this.
MAX_UPDATE_BYTES = 256 * 1024
# Telegram's ids fit in 52 bits (what a double holds exactly); update ids start positive.
MAX_UPDATE_ID = 2 ** 53

log = logging.getLogger("linli.telegram.webhook")


def webhook_secret(settings: Settings) -> str:
    """The configured secret; raises ValueError when it is empty or not one Telegram accepts."""
    secret = settings.telegram.webhook_secret.get_secret_value()
    if not secret:
        raise ValueError("telegram webhook mode needs a secret (LINLI_TELEGRAM__WEBHOOK_SECRET)")
    if not SECRET_FORM.match(secret):
        raise ValueError("telegram webhook secret may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)")
    return secret


def is_update(data: object) -> bool:
    """An object with an integer update_id (true is no integer here) and objects beside it."""
    if not isinstance(data, dict):
        return False
    update_id = data.get("update_id")
    if type(update_id) is not int or not 0 <= update_id < MAX_UPDATE_ID:
        return False
    # Every other field of an Update (message, callback_query …) is itself an object.
    return all(isinstance(value, dict) for key, value in data.items() if key != "update_id")


class TelegramWebhook:
    """The webhook route of one worker: accepts updates until closed."""

    def __init__(self, tg_app: Application, settings: Settings, inbox: Inbox | None = None):
        self.tg_app = tg_app
        self.inbox = inbox
        self.path = settings.telegram.webhook_path
        self._secret = webhook_secret(settings).encode("ascii")
        self.accepting = True

    def setup(self, app: web.Application) -> None:
        """Add the POST route to the web application."""
        app.router.add_post(self.path, self.handle)

    def close(self) -> None:
        """Stop taking updates: Telegram gets 503 and delivers them again (to another worker)."""
        self.accepting = False

    async def handle(self, request: web.Request) -> web.Response:
        """Check the secret, parse the update, store and queue it, answer 200 (503 when not stored)."""
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook request with a wrong or missing secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        if not self.accepting:
            return web.Response(status=503, text="stopping", headers={"Retry-After": "1"})
        try:
            data = strict_json(await read_limited(request, MAX_UPDATE_BYTES))
        except BodyTooLarge:
            return web.Response(status=413, text="too large")
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            return web.Response(status=400, text="malformed JSON")
        if not is_update(data):
            return web.Response(status=400, text="not an update")
        try:
            update = Update.de_json(data, self.tg_app.bot)
        except Exception:  # noqa: BLE001  (any shape PTB cannot read is the sender's fault)
            log.info("webhook update %s could not be read", data.get("update_id"))
            return web.Response(status=400, text="not an update")
        new = False  # without an inbox the handler answers presses itself
        if self.inbox is not None:
            try:
                new = await self.inbox.keep(str(update.update_id), data)
            except Exception as exc:  # noqa: BLE001  (the database is away: Telegram must send it again)
                log.warning("webhook update %s not stored, answered 503: %r", update.update_id, exc)
                count_inbox("telegram", "refused")
                return web.Response(status=503, text="not stored", headers={"Retry-After": "1"})
        # The queue is unbounded: put() never waits, and Telegram gets its answer at once.
        await self.tg_app.update_queue.put(update)
        if update.callback_query is not None and new:
            # Once per press: a redelivery was answered by the response that stored it.
            return web.json_response(answer_in_response(update.callback_query.id))
        return web.Response(text="ok")


def answer_in_response(query_id: str) -> dict[str, str]:
    """The answerCallbackQuery call Telegram makes when a webhook response body holds it."""
    return {"method": "answerCallbackQuery", "callback_query_id": query_id}


def build_bot(settings: Settings) -> Bot:
    """A bare Bot on the configured token and API base URLs."""
    tg = settings.telegram
    token = tg.token.get_secret_value()
    if not token:
        raise ValueError("telegram token is not set (LINLI_TELEGRAM__TOKEN)")
    return Bot(token, base_url=tg.base_url, base_file_url=tg.base_file_url)


async def set_webhook(bot: Bot, settings: Settings, url: str) -> bool:
    """Point Telegram at url with our secret token and the update kinds the bot handles."""
    return await bot.set_webhook(url, secret_token=webhook_secret(settings),
                                 allowed_updates=ALLOWED_UPDATES)
