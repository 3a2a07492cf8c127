"""`linli privacy …`, and the commands refusing to start on PostgreSQL without a phone key."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlmodel import select

from bot.cli import main
from bot.privacy import KEY_FILE_NAME
from store.models import Resident, ServiceItem, ServiceOrder
from store.orders import place_order
from store.people import get_or_create_account
from store.phones import PhoneCipher
from store.services_import import load_demo_services
from tests.conftest import ROOT, START
from tests.support.databases import make_database
from tests.support.workers import linli_env


def test_new_key_prints_a_usable_key(capsys):
    assert main(["privacy", "new-key"]) == 0
    key = capsys.readouterr().out.strip()
    assert PhoneCipher(key).open(PhoneCipher(key).seal("13812345678")) == "13812345678"


def test_encrypt_phones_seals_the_numbers_stored_in_clear(db_file, tmp_path, capsys):
    load_demo_services(db_file)
    with db_file.session() as s:
        account, _ = get_or_create_account(s, "console", "wang")
        place_order(s, service_id=s.exec(select(ServiceItem.id)).first(), community="幸福社区", place="广场",
                    preferred_dates="周六", audience=30, contact_name="王", contact_phone="13812345678",
                    resident_id=account.resident_id, now=START)
    assert main(["privacy", "encrypt-phones"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {"sealed": 1, "phone_tails": 1, "key": str(tmp_path / KEY_FILE_NAME)}
    with db_file.session() as s:
        stored = s.exec(select(ServiceOrder.contact_phone)).one()
        wang = s.get(Resident, account.resident_id)
    key = (tmp_path / KEY_FILE_NAME).read_text().strip()
    assert "13812345678" not in stored and PhoneCipher(key).open(stored) == "13812345678"
    # The person who ordered can now be found by 代办 with the 尾号 of that contact phone.
    assert wang.phone_tail == PhoneCipher(key).tail_digest("5678") and PhoneCipher(key).open(wang.phone) == "13812345678"
    assert main(["privacy", "encrypt-phones"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sealed": 0, "phone_tails": 0, "key": str(tmp_path / KEY_FILE_NAME)}


@pytest.mark.parametrize("command", ["chat", "serve"])
def test_chat_and_serve_on_postgresql_without_a_key_refuse_clearly(tmp_path, command):
    db, cleanup = make_database("postgres", tmp_path)
    try:
        env = linli_env(db.url, tmp_path / "files", PRIVACY__PHONE_KEY="")
        done = subprocess.run([sys.executable, "-m", "bot.cli", command], input="", capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=120)
    finally:
        cleanup()
    assert done.returncode == 2
    assert "LINLI_PRIVACY__PHONE_KEY" in done.stderr and "Traceback" not in done.stderr
