"""Where the phone key comes from: the environment, a key file, or a clear refusal."""
from __future__ import annotations

import stat

import pytest

from bot.privacy import KEY_FILE_NAME, PhoneKeyMissing, phone_cipher
from bot.settings import load_settings
from tests.conftest import ROOT
from tests.support.databases import TEST_PHONE_KEY

PG_URL = "postgresql+psycopg://postgres@db.example:5432/linli"


def settings_with(**env: str):
    return load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml"), **{f"LINLI_{k}": v for k, v in env.items()}})


def test_the_configured_key_is_used_and_no_file_is_made(tmp_path):
    cipher = phone_cipher(settings_with(PRIVACY__PHONE_KEY=TEST_PHONE_KEY), f"sqlite:///{tmp_path / 'linli.db'}")
    assert cipher.open(cipher.seal("13812345678")) == "13812345678"
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_on_sqlite_without_a_key_one_is_made_beside_the_database_for_the_owner_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'linli.db'}"
    sealed = phone_cipher(settings_with(), url).seal("13812345678")
    key_file = tmp_path / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = key_file.read_text()
    assert phone_cipher(settings_with(), url).open(sealed) == "13812345678"  # the same key, read back
    assert key_file.read_text() == again


def test_a_configured_key_file_is_used_on_postgresql(tmp_path):
    key_file = tmp_path / "keys" / "phone.key"
    cipher = phone_cipher(settings_with(PRIVACY__KEY_FILE=str(key_file)), PG_URL)
    assert key_file.exists() and cipher.open(cipher.seal("1")) == "1"


def test_postgresql_without_a_key_is_refused_with_what_to_do():
    with pytest.raises(PhoneKeyMissing, match="LINLI_PRIVACY__PHONE_KEY"):
        phone_cipher(settings_with(), PG_URL)
