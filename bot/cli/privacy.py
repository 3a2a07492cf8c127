"""`linli privacy new-key` / `linli privacy encrypt-phones`: the key that seals phone numbers, and
sealing the numbers stored before it."""
from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from bot.app import open_database
from bot.privacy import key_path, phone_cipher
from bot.settings import Settings, get_settings
from store.phones import new_key, seal_plain_phones
from store.proxy import fill_phone_tails


def encrypt_phones(settings: Settings, out: TextIO | None = None) -> int:
    """Seal every contact phone still stored in clear; prints how many, and where the key came from."""
    db = open_database(settings)
    try:
        cipher = phone_cipher(settings, db.url)
        with db.session() as session:
            sealed = seal_plain_phones(session, cipher)
            filled = fill_phone_tails(session, cipher)
    finally:
        db.dispose()
    source = ("LINLI_PRIVACY__PHONE_KEY" if settings.privacy.phone_key.get_secret_value()
              else str(key_path(settings, db.url)))
    print(json.dumps({"sealed": sealed, "phone_tails": filled, "key": source}, ensure_ascii=False), file=out or sys.stdout)
    return 0


def cmd_new_key(args: argparse.Namespace) -> int:
    """Print a fresh key for LINLI_PRIVACY__PHONE_KEY."""
    print(new_key())
    return 0


def cmd_encrypt_phones(args: argparse.Namespace) -> int:
    """Seal the phones stored before encryption."""
    return encrypt_phones(get_settings())


def add_commands(sub) -> None:
    """`linli privacy new-key` and `linli privacy encrypt-phones`."""
    privacy = sub.add_parser("privacy", help="个人信息：电话加密的密钥，加密旧电话")
    inner = privacy.add_subparsers(dest="privacy_command", required=True)
    inner.add_parser("new-key", help="生成一个新的电话加密密钥（填入 LINLI_PRIVACY__PHONE_KEY）") \
        .set_defaults(func=cmd_new_key)
    inner.add_parser("encrypt-phones", help="把加密之前存下的电话号码加密") \
        .set_defaults(func=cmd_encrypt_phones)
