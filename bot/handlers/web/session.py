"""The anonymous session cookie of the web chat and the channel account id derived from it."""
from __future__ import annotations

import hashlib
import re
import secrets

from aiohttp import web

COOKIE = "linli_web"
MAX_AGE = 365 * 24 * 3600  # a resident coming back next month still finds their sign-ups
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def new_token() -> str:
    """A fresh random session token."""
    return secrets.token_urlsafe(32)


def account_key(token: str) -> str:
    """The web channel's external_id for a token: its hash, so the store never holds the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def read_token(request: web.Request) -> str | None:
    """The request's session token, if it carries a well-formed one."""
    token = request.cookies.get(COOKIE, "")
    return token if _TOKEN.match(token) else None


def is_https(request: web.Request, trust_forwarded: bool) -> bool:
    """Whether the resident reached us over https (directly or through a trusted proxy)."""
    if request.secure:
        return True
    if trust_forwarded:
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        return proto == "https"
    return False


def set_token_cookie(response: web.StreamResponse, token: str, secure: bool) -> None:
    """Give the browser its session cookie (HttpOnly, SameSite=Lax, Secure on https)."""
    response.set_cookie(COOKIE, token, max_age=MAX_AGE, path="/", httponly=True,
                        samesite="Lax", secure=secure)


def client_address(request: web.Request, trust_forwarded: bool) -> str:
    """The resident's address; behind a trusted proxy the one it appended to X-Forwarded-For."""
    if trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.remote or "unknown"
