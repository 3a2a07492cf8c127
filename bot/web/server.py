"""The aiohttp server every web-facing channel shares: web chat, WeCom callback, Telegram webhook."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohttp import web

from bot.dialogs.engine import Dialogs
from bot.settings import Settings
from bot.web.chat_routes import setup_webchat_routes

Setup = Callable[[web.Application], None]


async def health(request: web.Request) -> web.Response:
    """A plain answer for load balancers and uptime checks."""
    return web.Response(text="ok", headers={"Cache-Control": "no-store"})


def build_web_app(dialogs: Dialogs, settings: Settings, extra_setup: Iterable[Setup] = (),
                  ops: Setup | None = None) -> web.Application:
    """The web app: chat page and API, /healthz (or ops: checks and /metrics), then each setup(app)."""
    app = web.Application(client_max_size=1024 * 1024)
    setup_webchat_routes(app, dialogs, settings)
    if ops is None:  # no database and tick checks: a plain answer
        app.router.add_get("/healthz", health)
    else:
        ops(app)
    for setup in extra_setup:
        setup(app)
    return app


@dataclass
class RunningWeb:
    """A started server: its runner and the address it listens on."""

    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:8080."""
        return f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        """Stop listening and free the application."""
        await self.runner.cleanup()


async def start_web(app: web.Application, host: str = "127.0.0.1", port: int = 0,
                    access_log: bool = True) -> RunningWeb:
    """Start serving app; port 0 picks a free port (tests), the real one is in the result."""
    runner = web.AppRunner(app, **({} if access_log else {"access_log": None}))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    actual = runner.addresses[0][1] if runner.addresses else port
    return RunningWeb(runner, host, actual)


async def run_web(app: web.Application, host: str, port: int) -> None:
    """Serve app until cancelled."""
    running = await start_web(app, host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await running.stop()
