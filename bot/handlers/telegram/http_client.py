"""python-telegram-bot's requests made with aiohttp's client instead of httpx.

Every reply and push is one Bot API request. Measured on one machine, a form POST to a local
aiohttp server cost 1.85 ms of CPU through httpx and 0.56 ms through aiohttp's client (both sides
counted); aiohttp is already the web server's library. Parameters go as a JSON body, which the
Bot API takes for every call without files (aiohttp's form encoding was about 4% of a webhook
worker's CPU, py-spy, GIL held); files go as multipart, exactly as python-telegram-bot's own
request class sends them.
"""
from __future__ import annotations

import asyncio
import json

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

USER_AGENT = BaseRequest.USER_AGENT
JSON_BODY = {"Content-Type": "application/json"}
_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # a timeout the call left to the request object


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool of keep-alive connections to the Bot API."""

    def __init__(self, connection_pool_size: int = 16, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0):
        self.pool_size = connection_pool_size
        self.timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout,
                         "pool": pool_timeout}
        self.media_write_timeout = media_write_timeout
        self.session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call names none."""
        return self.timeouts["read"]

    async def initialize(self) -> None:
        """Open the session (inside the running event loop)."""
        if self.session is None or self.session.closed:
            connector = aiohttp.TCPConnector(limit=self.pool_size, ttl_dns_cache=300)
            self.session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self.session is not None and not self.session.closed:
            await self.session.close()

    def _timeout(self, read, write, connect, pool, files: bool) -> aiohttp.ClientTimeout:
        def given(value, name):
            return self.timeouts[name] if isinstance(value, _DEFAULT) else value
        if files and isinstance(write, _DEFAULT):
            write = self.media_write_timeout
        read, write = given(read, "read"), given(write, "write")
        connect, pool = given(connect, "connect"), given(pool, "pool")
        # aiohttp's connect timeout covers waiting for a pooled connection and opening a new one; it
        # has no write timeout, so an upload gets a total of its write and read time instead.
        waits = [t for t in (connect, pool) if t is not None]
        total = write + read if files and write is not None and read is not None else None
        return aiohttp.ClientTimeout(total=total, connect=sum(waits) if waits else None, sock_read=read)

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """Make one request; (HTTP status, body)."""
        if self.session is None or self.session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if files:
            data = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                data.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                data.add_field(name, content, filename=filename, content_type=mimetype)
        elif request_data is not None:
            # The parameters as nested JSON (a keyboard an object, not a string holding one).
            data = json.dumps(request_data.parameters, ensure_ascii=False).encode()
            headers = JSON_BODY
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, bool(files))
        try:
            async with self.session.request(method, url, data=data, headers=headers,
                                            timeout=timeout) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
