"""The web chat's session cookie: issued by the server, checked on every call, rotated on linking.

Tokens are random and the store keeps only their SHA-256 (store/web_sessions.py), which is also
the web account's external_id. A token the server did not issue is refused and replaced: a
browser cannot choose its own session, so nobody can plant a known token on someone else's
phone and read along. (Signing tokens with a server secret would need that secret shared by
every worker and kept forever, and could not take a single token back; the stored hash can.)
Over https the cookie is named __Host-…: browsers then take it only with Secure, Path=/ and no
Domain, so no other site under the same domain can set or overwrite it.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from store.db import Database
from store.web_sessions import ISSUED, ROTATE, issue, rotate, status_of

COOKIE = "linli_web"
SECURE_COOKIE = "__Host-linli_web"
MAX_AGE = 365 * 24 * 3600  # a resident coming back next month still finds their sign-ups
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def new_token() -> str:
    """A fresh random session token."""
    return secrets.token_urlsafe(32)


def account_key(token: str) -> str:
    """The web channel's external_id for a token: its hash, so the store never holds the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Presented:
    """The token a request carries, and the cookie it came in."""

    token: str
    cookie: str


def read_token(request: web.Request, secure: bool) -> Presented | None:
    """The request's well-formed session token; over https the __Host- cookie comes first."""
    for name in (SECURE_COOKIE, COOKIE) if secure else (COOKIE,):
        token = request.cookies.get(name, "")
        if _TOKEN.match(token):
            return Presented(token, name)
    return None


@dataclass(frozen=True)
class Identity:
    """Who a request speaks for: its token, whether it needs a new cookie, whether the old one was refused."""

    token: str
    give_cookie: bool
    refused: bool = False

    @property
    def key(self) -> str:
        """The web account's external_id."""
        return account_key(self.token)


def _fresh(db: Database, now: datetime, refused: bool) -> Identity:
    token = new_token()
    with db.session() as session:
        issue(session, account_key(token), now)
    return Identity(token, give_cookie=True, refused=refused)


def identify(db: Database, presented: Presented | None, secure: bool, now: datetime,
             replace_refused: bool = True) -> Identity | None:
    """The session of a request: kept, rotated, or a fresh one in place of a missing or unknown token.

    With replace_refused=False an unknown token gets None instead of a replacement.
    """
    if presented is None:
        return _fresh(db, now, refused=False)
    key = account_key(presented.token)
    with db.session() as session:
        status = status_of(session, key)
        # Over https a cookie without the __Host- name may be from before https, or planted by a
        # sibling site: it is swapped for a new token (same account) that only this browser learns.
        plain_on_https = secure and presented.cookie != SECURE_COOKIE
        if status == ISSUED and not plain_on_https:
            return Identity(presented.token, give_cookie=False)
        if status is not None:
            token = new_token()
            if rotate(session, key, account_key(token), now):
                return Identity(token, give_cookie=True)
    return _fresh(db, now, refused=True) if replace_refused else None


def rotated(db: Database, identity: Identity, now: datetime) -> Identity:
    """The same session after a turn, with a new token if the turn linked accounts."""
    with db.session() as session:
        if status_of(session, identity.key) != ROTATE:
            return identity
        token = new_token()
        if rotate(session, identity.key, account_key(token), now):
            return Identity(token, give_cookie=True)
    return identity


def is_https(request: web.Request, trust_forwarded: bool) -> bool:
    """Whether the resident reached us over https (directly or through a trusted proxy)."""
    if request.secure:
        return True
    if trust_forwarded:
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        return proto == "https"
    return False


def set_token_cookie(response: web.StreamResponse, token: str, secure: bool) -> None:
    """Give the browser its session cookie (HttpOnly, SameSite=Lax; Secure and __Host- on https)."""
    if secure:
        response.set_cookie(SECURE_COOKIE, token, max_age=MAX_AGE, path="/", httponly=True,
                            samesite="Lax", secure=True)
        response.del_cookie(COOKIE, path="/")  # an http-era cookie is not needed any more
        return
    response.set_cookie(COOKIE, token, max_age=MAX_AGE, path="/", httponly=True, samesite="Lax")


def client_address(request: web.Request, trust_forwarded: bool) -> str:
    """The resident's address; behind a trusted proxy the one it appended to X-Forwarded-For."""
    if trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.remote or "unknown"
