"""The `state` of a WeChat sign-in: signed by the server and tied to the browser that started it.

WeChat passes state back unchanged and allows only letters and digits (at most 128), so it is
fixed-width: 10 digits of time, 16 hex of a nonce that the browser also keeps in a cookie, and
32 hex of an HMAC over both. A callback whose state is forged, stale, or started in another
browser (the CSRF case) is refused.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

TTL_SECONDS = 600
_TIME, _NONCE, _MAC = 10, 16, 32


def signing_key(app_secret: str) -> bytes:
    """The key states are signed with, derived from the 公众号's AppSecret (every worker has it)."""
    return hashlib.sha256(b"linli-wechat-oauth-state:" + app_secret.encode("utf-8")).digest()


def new_nonce() -> str:
    """A fresh nonce for the browser's cookie."""
    return secrets.token_hex(_NONCE // 2)


def _mac(key: bytes, stamp: str, nonce: str) -> str:
    return hmac.new(key, f"{stamp}.{nonce}".encode("ascii"), hashlib.sha256).hexdigest()[:_MAC]


def make_state(key: bytes, nonce: str, now: int) -> str:
    """The state for a sign-in started at now (epoch seconds) by the browser holding nonce."""
    stamp = f"{now:0{_TIME}d}"
    return stamp + nonce + _mac(key, stamp, nonce)


def check_state(key: bytes, state: str | None, nonce: str | None, now: int,
                ttl: int = TTL_SECONDS) -> bool:
    """True when state was made by us, for this browser's nonce, less than ttl seconds ago."""
    if not state or not nonce or not nonce.isascii():
        return False
    if len(state) != _TIME + _NONCE + _MAC or not state.isascii() or not state.isalnum():
        return False
    stamp, signed_nonce, mac = state[:_TIME], state[_TIME:_TIME + _NONCE], state[_TIME + _NONCE:]
    if not stamp.isdigit() or not hmac.compare_digest(mac, _mac(key, stamp, signed_nonce)):
        return False
    return hmac.compare_digest(signed_nonce, nonce) and 0 <= now - int(stamp) <= ttl
