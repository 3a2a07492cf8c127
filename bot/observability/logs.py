"""Structured logs: one JSON line per event on stderr, with secrets and mobile numbers hidden.

Residents' message texts are never logged at INFO; the filter here is the safety net for what
slips into messages anyway (a token in a request URL, a phone number in an error).
"""
from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from bot.settings import Settings

HIDDEN = "***"
MIN_SECRET_LENGTH = 6  # shorter configured values would hide ordinary words
HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
QUIET_LOGGERS = ("apscheduler", "httpx", "httpcore")

PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
BOT_TOKEN = re.compile(r"\b(bot\d+):[A-Za-z0-9_-]+")  # Bot API URLs: .../bot<id>:<token>/...
BARE_TOKEN = re.compile(r"(?<![\w:/])(\d{5,}):[A-Za-z0-9_-]{30,}")
SECRET_PARAM = re.compile(r"\b(access_token|corpsecret|secret|token)=[^&\s'\"]+", re.IGNORECASE)

# Attributes every LogRecord has; anything else on a record came in through `extra=`.
STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}


class Redactor:
    """Hides configured secrets, Bot API tokens, secret URL parameters and mobile numbers."""

    def __init__(self, secrets: Iterable[str] = ()):
        kept = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        self.secrets = sorted(kept, key=len, reverse=True)  # longest first: no partial leftovers

    def __call__(self, text: str) -> str:
        """The text with every secret replaced and every mobile number masked."""
        text = BOT_TOKEN.sub(rf"\1:{HIDDEN}", text)  # first: keeps the bot id readable
        text = BARE_TOKEN.sub(rf"\1:{HIDDEN}", text)
        text = SECRET_PARAM.sub(rf"\1={HIDDEN}", text)
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return PHONE.sub(r"\1****\2", text)


def secrets_of(settings: Settings | None) -> list[str]:
    """The secret values of the settings: Telegram token and webhook secret, WeCom credentials."""
    if settings is None:
        return []
    values = (settings.telegram.token, settings.telegram.webhook_secret, settings.wecom.secret,
              settings.wecom.token, settings.wecom.encoding_aes_key)
    return [value.get_secret_value() for value in values]


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a record got through `extra=`."""
    return {k: v for k, v in vars(record).items() if k not in STANDARD_ATTRS and not k.startswith("_")}


class RedactingFilter(logging.Filter):
    """Formats each record's message once and redacts it, its extra fields and its traceback."""

    def __init__(self, redact: Redactor):
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops one."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (bad arguments must not break the caller)
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = self.redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
            elif not isinstance(value, (int, float, bool, type(None))):
                setattr(record, key, self.redact(str(value)))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat("T", "milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record arrives (so a swapped stderr is honoured)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def setup_logging(level: int | str = logging.INFO, settings: Settings | None = None,
                  human: bool = False) -> logging.Handler:
    """Log to stderr through the redacting filter: JSON lines, or plain lines when human."""
    if settings is None:
        settings = _settings_or_none()
    handler = StderrHandler()
    handler.addFilter(RedactingFilter(Redactor(secrets_of(settings))))
    handler.setFormatter(logging.Formatter(HUMAN_FORMAT) if human else JsonFormatter())
    handler._linli = True  # marks the handler a later setup replaces
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_linli", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:  # request lines at INFO; httpx's carry the Bot API token
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def _settings_or_none() -> Settings | None:
    from bot.settings import get_settings
    try:
        return get_settings()
    except Exception:  # noqa: BLE001  (the command reports bad settings itself)
        return None
