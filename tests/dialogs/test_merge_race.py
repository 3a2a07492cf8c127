"""A tap that races an account merge on PostgreSQL: the turn waits for the merge and acts for the
merged person, instead of failing on the resident the merge deleted."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from store.linking import merge_residents
from store.models import Enrolment
from store.people import get_or_create_account
from tests.conftest import START
from tests.support.catalog import add_course


def waiting_for_a_lock(db) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")).scalar())


def test_a_sign_up_tapped_during_a_merge_belongs_to_the_merged_person(pg_db, settings, clock):
    dialogs = Dialogs(pg_db, settings, clock)
    add_course(pg_db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(days=2))
    with pg_db.session() as s:
        kept, _ = get_or_create_account(s, "wecom", "wang")
        dropped, _ = get_or_create_account(s, "telegram", "4242")
        keep_id, drop_id = kept.resident_id, dropped.resident_id
    dialogs.handle(Incoming("telegram", "4242", text="/start", update_key="1"))

    merging = pg_db.session()
    session = merging.__enter__()
    merge_residents(session, keep_id=keep_id, drop_id=drop_id)  # holds both people until commit
    replies = []
    tap = threading.Thread(target=lambda: replies.extend(dialogs.handle(
        Incoming("telegram", "4242", payload="suy:WH-SF-01", update_key="2"))))
    tap.start()
    deadline = time.monotonic() + 20
    while not waiting_for_a_lock(pg_db):
        assert time.monotonic() < deadline, "the tap never waited for the merge"
        time.sleep(0.01)
    merging.__exit__(None, None, None)  # the merge commits
    tap.join(20)

    assert replies and "繁忙" not in replies[0].text and "报名成功" in replies[0].text
    with pg_db.session() as s:
        places = s.exec(select(Enrolment)).all()
        assert [(p.resident_id, p.status) for p in places] == [(keep_id, "confirmed")]
