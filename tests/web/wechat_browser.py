"""WeChat's built-in browser as the web chat tests need it: its user agent, a cookie jar, redirects by hand."""
from __future__ import annotations

import aiohttp

USER_AGENT = ("Mozilla/5.0 (Linux; Android 12; V2055A) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/107.0 Mobile Safari/537.36 MicroMessenger/8.0.43.2460(0x28002B37) WeChat/arm64")


class WechatBrowser:
    """Follows one redirect at a time; links to public_url are sent to the server under test."""

    def __init__(self, server_url: str, public_url: str, user_agent: str = USER_AGENT):
        self.server_url, self.public_url = server_url.rstrip("/"), public_url.rstrip("/")
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          headers={"User-Agent": user_agent})

    def _where(self, url: str) -> str:
        if url.startswith(self.public_url + "/"):
            return self.server_url + url[len(self.public_url):]
        return url if url.startswith("http") else self.server_url + url

    async def get(self, url: str) -> tuple[int, str, str]:
        """GET without following: status, Location (or ""), body."""
        async with self.http.get(self._where(url), allow_redirects=False) as response:
            return response.status, response.headers.get("Location", ""), await response.text()

    async def open(self, url: str, hops: int = 5) -> tuple[int, list[str], str]:
        """GET and follow redirects: the last status, every Location on the way, the last body."""
        seen = []
        status, location, body = await self.get(url)
        while location and len(seen) < hops:
            seen.append(location)
            status, location, body = await self.get(location)
        return status, seen, body

    async def say(self, text: str, message_id: str) -> tuple[int, dict]:
        """Type text on the page: the status and the JSON answer."""
        async with self.http.post(self.server_url + "/api/message",
                                  json={"id": message_id, "text": text}) as response:
            return response.status, await response.json()

    def cookie(self, name: str) -> str | None:
        """The value of a cookie the browser holds."""
        for cookie in self.http.cookie_jar:
            if cookie.key == name:
                return cookie.value
        return None

    async def close(self) -> None:
        """Close the connection pool."""
        await self.http.close()
