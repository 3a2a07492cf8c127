"""`linli serve`: the web server, the configured channels and the outbox tick in one process."""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field
from typing import Any

from bot.app import ensure_catalogue, open_database
from bot.dialogs.engine import Dialogs
from bot.settings import Settings
from scheduler.housekeeping import add_housekeeping
from scheduler.outbox_worker import OutboxWorker
from scheduler.runner import start_scheduler, stop
from scheduler.senders import Sender
from scheduler.web_sender import WebSender

log = logging.getLogger("linli.serve")


@dataclass
class Channels:
    """What serve started: senders for the outbox, web setups, and things to stop."""

    senders: dict[str, Sender] = field(default_factory=dict)
    web_setups: list[Any] = field(default_factory=list)
    telegram_app: Any = None
    telegram_webhook: Any = None  # webhook mode: the route that queues updates


def add_telegram(channels: Channels, dialogs: Dialogs, settings: Settings) -> None:
    """Telegram by polling when a token is set (webhook mode adds a route instead)."""
    if settings.telegram.mode not in ("polling", "webhook"):
        raise ValueError(f"telegram mode must be polling or webhook, not {settings.telegram.mode!r}")
    if not settings.telegram.token.get_secret_value():
        log.info("telegram off (no token)")
        return
    from bot.handlers.telegram import build_application
    from scheduler.telegram_sender import TelegramSender
    app = build_application(dialogs, settings)
    channels.telegram_app = app
    channels.senders["telegram"] = TelegramSender(app.bot)
    if settings.telegram.mode == "webhook":
        from bot.handlers.telegram_webhook import TelegramWebhook
        hook = TelegramWebhook(app, settings)  # refuses to start without a secret
        channels.telegram_webhook = hook
        channels.web_setups.append(hook.setup)


async def start_telegram(channels: Channels, settings: Settings) -> None:
    """Start the Application, then polling, or (webhook mode) register the webhook if configured."""
    tg = channels.telegram_app
    await tg.initialize()
    await tg.start()
    if channels.telegram_webhook is None:
        from bot.handlers.telegram import ALLOWED_UPDATES
        await tg.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        log.info("telegram polling")
        return
    if settings.telegram.webhook_url:
        from bot.webhook_cli import set_webhook
        try:
            await set_webhook(tg.bot, settings, settings.telegram.webhook_url)
        except Exception as exc:  # noqa: BLE001  (an earlier registration may still hold)
            log.warning("telegram webhook not registered: %r", exc)
    log.info("telegram webhook at %s", settings.telegram.webhook_path)


def add_wecom(channels: Channels, dialogs: Dialogs, settings: Settings) -> None:
    """WeCom's callback route and sender when a corp id is set."""
    if not settings.wecom.corp_id:
        log.info("wecom off (no corp_id)")
        return
    from bot.handlers.wecom_callback import setup_wecom_routes
    from bot.handlers.wecom_client import build_api
    from scheduler.wecom_sender import WecomSender
    api = build_api(settings.wecom, dialogs.db)
    channels.web_setups.append(lambda app: setup_wecom_routes(app, dialogs, settings, api))
    channels.senders["wecom"] = WecomSender(api, settings.general.language)


async def run(settings: Settings, stop_event: asyncio.Event | None = None) -> None:
    """Start everything, wait for a stop signal, then shut down gracefully."""
    from bot.observability.health import setup_ops_routes
    from bot.web.server import build_web_app, start_web
    db = open_database(settings)
    ensure_catalogue(db, settings)
    dialogs = Dialogs(db, settings)
    channels = Channels(senders={"web": WebSender(db)})
    add_telegram(channels, dialogs, settings)
    add_wecom(channels, dialogs, settings)
    worker = OutboxWorker(db, settings, channels.senders)
    web_app = build_web_app(dialogs, settings, extra_setup=channels.web_setups,
                            ops=lambda app: setup_ops_routes(app, db, worker, settings))
    running = await start_web(web_app, settings.web.host, settings.web.port)
    log.info("web chat at %s", running.url)
    tg = channels.telegram_app
    if tg is not None:
        await start_telegram(channels, settings)
    scheduler = start_scheduler(worker, settings)
    add_housekeeping(scheduler, db, settings, worker.clock)
    stop_event = stop_event or _stop_on_signals()
    await stop_event.wait()
    log.info("stopping")
    if channels.telegram_webhook is not None:
        channels.telegram_webhook.close()  # later deliveries get 503 and go to another worker
    elif tg is not None:
        await tg.updater.stop()
    await running.stop()  # stops taking web requests, finishes WeCom jobs in hand
    if tg is not None:
        await tg.stop()  # handles the updates already queued
    released = await stop(scheduler, worker)
    if tg is not None:  # after the tick: its sends use the same Bot
        await tg.shutdown()
    log.info("stopped; released %d claimed pushes", released)
    db.dispose()


def _stop_on_signals() -> asyncio.Event:
    event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, event.set)
    return event


def serve(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM."""
    asyncio.run(run(settings))
    return 0
