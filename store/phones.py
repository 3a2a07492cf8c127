"""Phone numbers at rest: sealed with AES-GCM under a key the caller passes in, never kept in clear.

A sealed value reads "g1:" + base64(nonce + ciphertext). Values written before encryption are
plain digits; open() returns them as they are until `seal_plain_phones` has sealed them."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlmodel import Session, select

from store.models.orders import ServiceOrder

SEALED = "g1:"


class BadPhoneKey(ValueError):
    """The configured phone key is not 32 bytes of URL-safe base64."""


def new_key() -> str:
    """A fresh random key, as the settings hold it."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def is_sealed(value: str) -> bool:
    """True when a stored value is already encrypted."""
    return (value or "").startswith(SEALED)


class PhoneCipher:
    """Seals and opens phone numbers under a key derived from the configured master key."""

    def __init__(self, key: str):
        try:
            master = base64.urlsafe_b64decode(key.strip().encode())
        except (ValueError, TypeError) as bad:
            raise BadPhoneKey("the phone key is not URL-safe base64") from bad
        if len(master) != 32:
            raise BadPhoneKey("the phone key must be 32 bytes (44 characters of base64)")
        self._aead = AESGCM(hmac.new(master, b"linli phone encryption", hashlib.sha256).digest())
        self._tail_key = hmac.new(master, b"linli phone tail", hashlib.sha256).digest()

    def tail_digest(self, phone_or_tail: str) -> str:
        """A keyed digest of the last 4 digits: staff find a person by 尾号 without opening any number."""
        digits = "".join(ch for ch in phone_or_tail if ch.isdigit())[-4:]
        if len(digits) != 4:
            return ""
        return hmac.new(self._tail_key, digits.encode(), hashlib.sha256).hexdigest()[:32]

    def seal(self, phone: str) -> str:
        """The stored form of a phone number ("" stays "")."""
        if not phone:
            return ""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, phone.encode(), b"phone")
        return SEALED + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str) -> str:
        """The phone number behind a stored value; a value from before encryption is returned as is."""
        if not is_sealed(stored):
            return stored or ""
        raw = base64.urlsafe_b64decode(stored[len(SEALED):].encode())
        return self._aead.decrypt(raw[:12], raw[12:], b"phone").decode()


def seal_plain_phones(session: Session, cipher: PhoneCipher) -> int:
    """Encrypt the contact phones still stored in clear; the number sealed."""
    rows = session.exec(select(ServiceOrder).where(ServiceOrder.contact_phone != "",
                                                   ~ServiceOrder.contact_phone.startswith(SEALED))).all()
    for order in rows:
        order.contact_phone = cipher.seal(order.contact_phone)
        session.add(order)
    session.flush()
    return len(rows)
