"""Settings that would break a promise are refused when they are read."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_handled_updates_are_kept_at_least_a_day():
    # The handled row tells a second delivery of its update apart; Telegram delivers for 24 hours.
    env = {"LINLI_CONFIG": str(ROOT / "settings.toml")}
    assert load_settings(env).inbox.keep_hours == 24.0
    with pytest.raises(ValidationError, match="keep_hours"):
        load_settings({**env, "LINLI_INBOX__KEEP_HOURS": "2"})
