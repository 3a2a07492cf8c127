"""Where the key that encrypts phone numbers comes from, where 我的数据 files wait to be sent, and
phone numbers masked for display (138****5678).

The key is LINLI_PRIVACY__PHONE_KEY when set. Otherwise it is read from a key file: the
`[privacy] key_file` setting, or, on SQLite, `linli-phone.key` next to the database file, made
on first start (owner-only) so a single-machine install encrypts from day one. On PostgreSQL,
where several workers on several machines must share one key, linli refuses to start without
one rather than invent a key only one machine knows."""
from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from bot.settings import Settings
from store.phones import PhoneCipher, new_key

KEY_FILE_NAME = "linli-phone.key"
EXPORTS = "exports"
EXPORT_LIFETIME = timedelta(days=1)


class PhoneKeyMissing(RuntimeError):
    """No phone key is configured and none can be kept beside the database."""


def key_path(settings: Settings, database_url: str) -> Path | None:
    """The key file used when no key is set: configured, or next to the SQLite file; None on PostgreSQL."""
    if settings.privacy.key_file:
        return Path(settings.privacy.key_file)
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        return Path(database_url[len("sqlite:///"):]).resolve().parent / KEY_FILE_NAME
    return None


def _read_or_make(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it a moment ago
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(new_key() + "\n")
    return path.read_text().strip()


@lru_cache(maxsize=8)
def _cipher(key: str) -> PhoneCipher:
    return PhoneCipher(key)


def phone_cipher(settings: Settings, database_url: str) -> PhoneCipher:
    """The cipher of this installation's phone numbers; PhoneKeyMissing when there is no key."""
    key = settings.privacy.phone_key.get_secret_value()
    if not key:
        path = key_path(settings, database_url)
        if path is None:
            raise PhoneKeyMissing(
                "no phone key: set LINLI_PRIVACY__PHONE_KEY (or [privacy] key_file) on every worker; "
                "`linli privacy new-key` prints a new key")
        key = _read_or_make(path)
    return _cipher(key)


def exports_dir(settings: Settings) -> Path:
    """The folder of 我的数据 files, under the files folder."""
    return Path(settings.files.dir).resolve() / EXPORTS


def forget_exports(settings: Settings, now: datetime) -> int:
    """Delete 我的数据 files older than a day (now is naive UTC); how many went."""
    folder, gone = exports_dir(settings), 0
    if not folder.is_dir():
        return 0
    for path in folder.glob("*.json"):
        made = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(tzinfo=None)
        if made < now - EXPORT_LIFETIME:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


# Mainland mobile numbers (138 1234 5678, +86…) and landlines with an area code (010-12345678).
_PHONE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"
                    r"|(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")


def mask_phone(phone: str) -> str:
    """'13812345678' → '138****5678'; short or odd numbers keep only their last two digits."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits:
        return ""
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def scrub(text: str) -> str:
    """Text with every phone number in it masked."""
    return _PHONE.sub(lambda match: mask_phone(match.group(0)), text)
