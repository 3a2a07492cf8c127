"""Structured logs: one JSON line per event, with tokens, WeCom secrets and mobile numbers hidden."""
from __future__ import annotations

import json
import logging

import pytest
from pydantic import SecretStr

from bot.observability.logs import Redactor, setup_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
WECOM_SECRET = "wecom-corp-secret-0123456789abcdef"
WECOM_TOKEN = "callbacktoken42"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
WEBHOOK_SECRET = "hook-secret-9876"


@pytest.fixture
def secret_settings(settings):
    """Shipped settings with every secret set."""
    return settings.model_copy(update={
        "telegram": settings.telegram.model_copy(update={
            "token": SecretStr(TOKEN), "webhook_secret": SecretStr(WEBHOOK_SECRET)}),
        "wecom": settings.wecom.model_copy(update={
            "secret": SecretStr(WECOM_SECRET), "token": SecretStr(WECOM_TOKEN),
            "encoding_aes_key": SecretStr(AES_KEY)}),
    })


@pytest.fixture
def logging_restored():
    """Put the root logger back as it was after the test."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def only_line(err: str) -> dict:
    lines = err.splitlines()
    assert len(lines) == 1, lines
    return json.loads(lines[0])


def assert_no_secrets(text: str) -> None:
    for secret in (TOKEN, TOKEN.split(":")[1], WECOM_SECRET, WECOM_TOKEN, AES_KEY, WEBHOOK_SECRET,
                   "13812345678", "13912345678"):
        assert secret not in text, secret


def test_a_record_with_secrets_is_one_redacted_json_line(secret_settings, logging_restored, capsys):
    setup_logging(logging.INFO, secret_settings)
    capsys.readouterr()
    logging.getLogger("linli.test").warning(
        "POST %s failed; wecom secret %s; call 13812345678 (+86 13912345678)",
        f"https://api.telegram.org/bot{TOKEN}/sendMessage", WECOM_SECRET,
        extra={"chat": "13812345678", "aes": AES_KEY, "attempt": 2})
    captured = capsys.readouterr()
    assert captured.out == ""
    entry = only_line(captured.err)
    assert_no_secrets(captured.err)
    assert entry["level"] == "WARNING" and entry["logger"] == "linli.test" and entry["time"]
    assert "https://api.telegram.org/bot123456789:***/sendMessage" in entry["message"]
    assert "wecom secret ***" in entry["message"]
    assert "call 138****5678 (+86 139****5678)" in entry["message"]
    assert entry["chat"] == "138****5678" and entry["aes"] == "***" and entry["attempt"] == 2


def test_a_traceback_is_redacted_inside_the_same_line(secret_settings, logging_restored, capsys):
    setup_logging(logging.INFO, secret_settings)
    capsys.readouterr()
    try:
        raise RuntimeError(f"gettoken?corpid=ww1&corpsecret={WECOM_SECRET} for 13812345678")
    except RuntimeError:
        logging.getLogger("linli.test").exception("wecom call failed")
    err = capsys.readouterr().err
    entry = only_line(err)
    assert_no_secrets(err)
    assert "RuntimeError" in entry["exc"] and "corpsecret=***" in entry["exc"]


def test_info_is_dropped_below_the_level_and_setup_does_not_stack(secret_settings, logging_restored,
                                                                    capsys):
    setup_logging(logging.WARNING, secret_settings)
    setup_logging(logging.WARNING, secret_settings)
    capsys.readouterr()
    log = logging.getLogger("linli.test")
    log.info("not shown")
    log.warning("shown once")
    assert only_line(capsys.readouterr().err)["message"] == "shown once"


def test_human_lines_for_the_terminal_chat_are_redacted_too(secret_settings, logging_restored, capsys):
    setup_logging(logging.WARNING, secret_settings, human=True)
    capsys.readouterr()
    logging.getLogger("linli.test").warning("token %s phone %s", TOKEN, "13812345678")
    err = capsys.readouterr().err
    assert_no_secrets(err)
    assert err.rstrip().endswith("WARNING linli.test token 123456789:*** phone 138****5678")


@pytest.mark.parametrize("text, expected", [
    ("电话 13800001111。", "电话 138****1111。"),
    ("tel:15912345678,18600000000", "tel:159****5678,186****0000"),
    ("order 2026120113800001111", "order 2026120113800001111"),  # part of a longer number
    ("12812345678 and 1381234567", "12812345678 and 1381234567"),  # not a mobile number
    ("GET /bot42:abc-DEF_ghi/getUpdates", "GET /bot42:***/getUpdates"),
    ("?access_token=xyz&agentid=1", "?access_token=***&agentid=1"),
])
def test_patterns_without_configured_secrets(text, expected):
    assert Redactor()(text) == expected
