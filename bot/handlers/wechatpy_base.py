"""What the WeCom and 公众号 clients share: errors without secrets, one token in our database, serial calls.

Both channels drive wechatpy's synchronous clients; this module keeps the token handling and the
thread hand-off in one place (channels never import each other).
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from wechatpy.exceptions import WeChatClientException

from scheduler.senders import FATAL, RETRY, UNREACHABLE

TOKEN_ERRORS = (40014, 42001)  # invalid / expired access token: fetch a new one, try once more
TIMEOUT_SECONDS = 10

log = logging.getLogger("linli.wechatpy")


class ApiError(Exception):
    """A failed platform call; the message never holds the token or the secret."""

    def __init__(self, code: int | None, message: str, status: int | None = None,
                 network: bool = False):
        super().__init__(message)
        self.code = code
        self.status = status
        self.network = network


def as_api_error(exc: BaseException, platform: str) -> ApiError:
    """Any error of a call as an ApiError (request URLs carry the token: they are left out)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, WeChatClientException):
        status = getattr(exc.response, "status_code", None)
        if exc.errcode is None:
            return ApiError(None, f"http {status}", status)
        return ApiError(int(exc.errcode), f"{platform} {exc.errcode}: {str(exc.errmsg)[:200]}", status)
    if isinstance(exc, requests.RequestException):
        return ApiError(None, f"network: {type(exc).__name__}", network=True)
    return ApiError(None, f"error: {type(exc).__name__}")


def error_kind(error: ApiError, retry_codes: set[int], unreachable_codes: set[int]) -> str:
    """RETRY (network, 5xx, a code worth retrying), UNREACHABLE or FATAL for a failed call."""
    if error.network or (error.code is None and (error.status is None or error.status >= 500)):
        return RETRY
    if error.code in retry_codes:
        return RETRY
    if error.code in unreachable_codes:
        return UNREACHABLE
    return FATAL


class SharedToken:
    """Mixin for a wechatpy client: the access token lives in `session` (our database) for every worker.

    The class using it names its storage key (access_token_key) and its token request
    (token_path, token_params); API_BASE_URL must end in "/cgi-bin/"."""

    token_path = "token"

    def token_params(self) -> dict[str, str]:
        """The query of the token request (credentials)."""
        raise NotImplementedError

    @property
    def access_token(self) -> str:
        """The shared token; fetched when the storage has none that is still good."""
        token = self.session.get(self.access_token_key)
        if token:
            return token
        self.fetch_access_token()
        return self.session.get(self.access_token_key)

    def fetch_access_token(self) -> dict[str, Any]:
        """Get a new token from {base}/cgi-bin/{token_path} and store it with its lifetime."""
        res = self._http.get(self.API_BASE_URL + self.token_path, timeout=self.timeout,
                             params=self.token_params())
        try:
            res.raise_for_status()
        except requests.RequestException as exc:
            raise WeChatClientException(None, None, client=self, request=exc.request,
                                        response=exc.response) from None
        result = res.json()
        if result.get("errcode", 0) != 0:
            raise WeChatClientException(result["errcode"], result.get("errmsg", ""), client=self,
                                        request=res.request, response=res)
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return result

    def _request(self, method, url_or_endpoint, **kwargs):
        attempt = self._attempt(kwargs)
        try:
            return super()._request(method, url_or_endpoint, **attempt)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            self._refresh_token(attempt["params"].get("access_token"))
        return super()._request(method, url_or_endpoint, **self._attempt(kwargs))

    @staticmethod
    def _attempt(kwargs: dict[str, Any]) -> dict[str, Any]:
        # wechatpy writes the token into params and encodes data in place: give each try its own.
        return dict(kwargs, params=dict(kwargs.get("params") or {}))

    def _refresh_token(self, used: str | None) -> None:
        current = self.session.get(self.access_token_key)
        if current and current != used:
            return  # another worker has already put a new token in the store
        self.session.delete(self.access_token_key)
        log.info("access token refused, fetching a new one")
        self.fetch_access_token()


def quiet_request_lines() -> None:
    """urllib3 logs request lines at DEBUG, and a token request's line holds the secret."""
    logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)


class SerialCalls:
    """Runs a synchronous client's calls in a thread, one at a time (its session is not thread-safe)."""

    def __init__(self, platform: str):
        self.platform = platform
        self._queue: asyncio.Lock | None = None
        self._thread_lock = threading.Lock()  # also holds if an awaiting caller is cancelled

    async def call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one call in a thread, after the calls before it; failures raise ApiError."""
        if self._queue is None:
            self._queue = asyncio.Lock()
        async with self._queue:
            try:
                return await asyncio.to_thread(self._locked, func, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                raise as_api_error(exc, self.platform) from None

    def _locked(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self._thread_lock:
            return func(*args, **kwargs)
