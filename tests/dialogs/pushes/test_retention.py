"""The housekeeping round, as `linli serve` schedules it, forgets old conversation and seals old phones."""
from __future__ import annotations

import os
from datetime import timedelta, timezone

from sqlmodel import select

from bot.app import build_service, housekeeping_job
from bot.privacy import exports_dir, phone_cipher
from store.models import DialogState, ProcessedUpdate, ServiceItem, ServiceOrder, WebInboxMessage
from store.orders import place_order
from store.people import get_or_create_account
from store.services_import import load_demo_services
from tests.conftest import START
from tests.dialogs.account.test_my_data_conversation import app_settings

OLD = START - timedelta(days=181)
RECENT = START - timedelta(days=179)


def test_a_round_deletes_history_past_the_retention_and_keeps_the_rest(db, settings, clock, tmp_path):
    service = build_service(app_settings(settings, db, tmp_path), clock=clock)
    with db.session() as s:
        old, _ = get_or_create_account(s, "web", "old-browser")
        new, _ = get_or_create_account(s, "web", "new-browser")
        for account, at in ((old, OLD), (new, RECENT)):
            s.add(DialogState(account_id=account.id, data='{"last": {"text": "hi"}}', updated_at=at))
            s.add(ProcessedUpdate(channel="web", update_key=f"u-{account.id}", created_at=at))
            s.add(WebInboxMessage(account_id=account.id, kind="said", payload='{"text": "书法"}', created_at=at))
    done = housekeeping_job(service)()
    assert done["history_forgotten"] == {"dialog_state": 1, "processed_update": 1, "web_chat": 1}
    with db.session() as s:
        assert [r.account_id for r in s.exec(select(DialogState))] == [new.id]
        assert [r.update_key for r in s.exec(select(ProcessedUpdate))] == [f"u-{new.id}"]
        assert [r.account_id for r in s.exec(select(WebInboxMessage))] == [new.id]
    service.db.dispose()


def test_the_retention_is_a_setting(sqlite_db, settings, clock, tmp_path):
    short = app_settings(settings, sqlite_db, tmp_path)
    short = short.model_copy(update={"privacy": short.privacy.model_copy(update={"history_days": 30})})
    service = build_service(short, clock=clock)
    with sqlite_db.session() as s:
        account, _ = get_or_create_account(s, "web", "browser")
        s.add(DialogState(account_id=account.id, updated_at=START - timedelta(days=31)))
    assert housekeeping_job(service)()["history_forgotten"]["dialog_state"] == 1
    service.db.dispose()


def test_a_round_seals_phones_stored_before_encryption(db, settings, clock, tmp_path):
    service = build_service(app_settings(settings, db, tmp_path), clock=clock)
    load_demo_services(db)
    with db.session() as s:
        account, _ = get_or_create_account(s, "console", "wang")
        service_id = s.exec(select(ServiceItem.id)).first()
        place_order(s, service_id=service_id, community="幸福社区", place="广场", preferred_dates="周六",
                    audience=30, contact_name="王", contact_phone="13812345678",
                    resident_id=account.resident_id, now=START)  # as written before this release
    assert housekeeping_job(service)()["phones_sealed"] == 1
    assert housekeeping_job(service)()["phones_sealed"] == 0
    with db.session() as s:
        stored = s.exec(select(ServiceOrder.contact_phone)).one()
    assert "13812345678" not in stored and "5678" not in stored
    assert phone_cipher(service.settings, db.url).open(stored) == "13812345678"
    service.db.dispose()


def test_a_round_deletes_my_data_files_after_a_day(sqlite_db, settings, clock, tmp_path):
    service = build_service(app_settings(settings, sqlite_db, tmp_path), clock=clock)
    folder = exports_dir(service.settings)
    folder.mkdir(parents=True)
    old, fresh = folder / "my-data-1-old.json", folder / "my-data-1-new.json"
    for path, at in ((old, START - timedelta(days=2)), (fresh, START - timedelta(hours=2))):
        path.write_text("{}")
        stamp = at.replace(tzinfo=timezone.utc).timestamp()
        os.utime(path, (stamp, stamp))
    assert housekeeping_job(service)()["exports_deleted"] == 1
    assert not old.exists() and fresh.exists()
    service.db.dispose()
