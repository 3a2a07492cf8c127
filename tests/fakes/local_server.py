"""A fake platform API served on 127.0.0.1 on a free port."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class LocalServer:
    """Subclasses add their routes in `routes`; `base_url` is set once started."""

    _runner: web.AppRunner | None = None
    base_url = ""

    def routes(self, app: web.Application) -> None:
        """Add the fake's endpoints."""
        raise NotImplementedError

    async def start(self) -> str:
        """Start serving; returns the base URL."""
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self):
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @staticmethod
    async def _json(request: web.Request) -> dict[str, Any]:
        return json.loads((await request.read()).decode("utf-8"))
