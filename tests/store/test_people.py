"""The resident behind a channel account: created once however many first messages race, and
found with its resident locked in one statement afterwards."""
from __future__ import annotations

import threading

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
