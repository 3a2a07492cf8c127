"""The aiohttp server every web-facing channel shares: web chat, WeCom callback, Telegram webhook."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohttp import web

Setup = Callable[[web.Application], None]


def build_web_app(routes: Iterable[Setup], ops: Setup) -> web.Application:
    """The shared web app: each channel's routes, then ops (/healthz and /metrics)."""
    app = web.Application(client_max_size=1024 * 1024)
    for setup in routes:
        setup(app)
    ops(app)
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
