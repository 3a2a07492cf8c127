"""A bare python-telegram-bot echo behind a minimal aiohttp webhook: the yardstick for webhook_storm.

    python bench/echo_bot.py --port 8090 --token T --base-url http://127.0.0.1:PORT/bot --secret S

Texts are sent back; a pressed button is answered and its data sent back, so each update costs
the same Bot API calls as a linli turn (minus the keyboard removal). Stops on SIGTERM.
"""
from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import logging
import signal

from aiohttp import web
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    await context.bot.send_message(update.effective_chat.id, update.effective_message.text)


async def echo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and send its data back."""
    query = update.callback_query
    await query.answer()
    await context.bot.send_message(query.message.chat.id, query.data or "?")


def build_bot(token: str, base_url: str) -> Application:
    """The echo Application, without an Updater: updates come from our route."""
    app = (Application.builder().token(token).base_url(base_url)
           .base_file_url(base_url.replace("/bot", "/file/bot")).updater(None)
           .concurrent_updates(128).build())
    app.add_handler(MessageHandler(filters.TEXT, echo_text))
    app.add_handler(CallbackQueryHandler(echo_button))
    return app


def build_web(tg: Application, secret: str, path: str) -> web.Application:
    """POST path: check the secret, queue the update, answer 200; GET /healthz."""
    expected = secret.encode()

    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403)
        try:
            update = Update.de_json(json.loads(await request.read()), tg.bot)
        except Exception:  # noqa: BLE001
            return web.Response(status=400)
        await tg.update_queue.put(update)
        return web.Response(text="ok")

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(path, webhook)
    app.router.add_get("/healthz", health)
    return app


async def run(args: argparse.Namespace) -> None:
    """Serve until SIGTERM or SIGINT."""
    tg = build_bot(args.token, args.base_url)
    runner = web.AppRunner(build_web(tg, args.secret, args.path), access_log=None)
    await tg.initialize()
    await tg.start()
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    await tg.stop()
    await tg.shutdown()


def main() -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--base-url", required=True, help="Bot API base URL, ending in /bot")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--path", default="/telegram/webhook")
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
