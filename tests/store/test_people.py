"""The resident behind a channel account: created once however many first messages race, and
found with its resident locked in one statement afterwards."""
from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import update
from sqlmodel import select

from store.models import ChannelAccount, Resident
from store.people import person_for_turn


def first_contacts_at_once(db, n: int) -> list[bool]:
    start = threading.Barrier(n)
    created: list[bool] = []

    def first_message() -> None:
        start.wait()
        with db.session() as session:
            account, is_new = person_for_turn(session, "telegram", "9401", "王阿姨")
            created.append(is_new)
            assert account.id is not None and account.resident_id is not None

    threads = [threading.Thread(target=first_message) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return created


def test_first_messages_racing_make_one_resident(db):
    assert sorted(first_contacts_at_once(db, 4)) == [False, False, False, True]
    with db.session() as s:
        [account] = s.exec(select(ChannelAccount)).all()
        [resident] = s.exec(select(Resident)).all()
    assert account.resident_id == resident.id and resident.display_name == "王阿姨"


def test_a_known_account_is_found_not_created(db):
    with db.session() as session:
        first, new = person_for_turn(session, "telegram", "9402")
    with db.session() as session:
        again, again_new = person_for_turn(session, "telegram", "9402")
    assert new and not again_new and again.id == first.id


def test_writing_again_makes_an_unreachable_account_reachable_and_seen(db):
    with db.session() as session:
        first, _ = person_for_turn(session, "telegram", "9403")
    long_ago = datetime(2026, 1, 1)
    with db.session() as session:
        session.execute(update(ChannelAccount).where(ChannelAccount.id == first.id)
                        .values(unreachable=True, last_seen_at=long_ago))
    with db.session() as session:
        person_for_turn(session, "telegram", "9403")
    with db.session() as session:
        account = session.get(ChannelAccount, first.id)
        assert not account.unreachable and account.last_seen_at > long_ago


def test_a_recent_account_is_not_written_again_within_the_minute(db):
    with db.session() as session:
        first, _ = person_for_turn(session, "telegram", "9404")
    with db.session() as session:
        seen = session.get(ChannelAccount, first.id).last_seen_at
    with db.session() as session:
        again, _ = person_for_turn(session, "telegram", "9404")
    with db.session() as session:
        assert session.get(ChannelAccount, first.id).last_seen_at == seen
    assert again == first  # the same account, read as the same row
