"""代办 in the store, on SQLite and PostgreSQL: people found by name and the keyed 尾号 digest only,
registering twice finds the first, and a family code typed by several relatives at once links one."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from store.family import issue_family_code, redeem_family_code
from store.models import FamilyLink, Resident
from store.phones import PhoneCipher, new_key
from store.proxy import find_people, register_person
from tests.conftest import START
from tests.store.test_attendance_store import together
from tests.support.databases import TEST_PHONE_KEY

CIPHER = PhoneCipher(TEST_PHONE_KEY)


def registered(db, name: str, phone: str, community: str = "幸福社区") -> int:
    with db.session() as s:
        return register_person(s, CIPHER, name=name, phone=phone, community=community, staff_id=None,
                               actor="test", now=START).resident.id


def test_people_are_found_by_name_and_the_digest_of_the_last_four_digits(db):
    zhang = registered(db, "张桂兰", "13812345678")
    other = registered(db, "张桂芳", "13912345678", "和平社区")
    registered(db, "张桂兰", "13800001111")
    with db.session() as s:
        stored = s.get(Resident, zhang)
        assert "5678" not in stored.phone and "5678" not in stored.phone_tail
        assert [p.id for p in find_people(s, CIPHER, "张桂兰", "5678")] == [zhang]
        assert [p.id for p in find_people(s, CIPHER, "张桂", "5678")] == [zhang, other]
        assert [p.id for p in find_people(s, CIPHER, "张桂", "5678", ["和平社区"])] == [other]
        assert find_people(s, CIPHER, "张桂兰", "567") == []
        assert find_people(s, PhoneCipher(new_key()), "张桂兰", "5678") == []   # another key finds nothing
        stored.erased_at = START
        s.add(stored)
        s.flush()
        assert find_people(s, CIPHER, "张桂兰", "5678") == []


def test_registering_the_same_name_and_phone_again_finds_the_first(db):
    first = registered(db, "李秀英", "13700001111")
    assert registered(db, "李秀英", "13700001111") == first
    assert registered(db, "李秀英", "13700002222") != first
    with db.session() as s:
        assert len(s.exec(select(Resident)).all()) == 2


def test_a_code_typed_by_several_relatives_at_once_links_one(db):
    elder = registered(db, "张桂兰", "13812345678")
    relatives = [registered(db, f"家人{i}", f"1390000000{i}") for i in range(4)]
    with db.session() as s:
        code = issue_family_code(s, elder, elder, START).code

    def redeem(member: int):
        def call():
            with db.session() as s:
                return redeem_family_code(s, code, member, START + timedelta(minutes=1)).status
        return call

    answers = together(*(redeem(m) for m in relatives))
    assert sorted(answers) == ["invalid", "invalid", "invalid", "linked"]
    with db.session() as s:
        assert len(s.exec(select(FamilyLink)).all()) == 1


def test_a_new_code_ends_the_unused_one_and_codes_expire(db):
    elder, son = registered(db, "张桂兰", "13812345678"), registered(db, "李明", "13900000001")
    with db.session() as s:
        old = issue_family_code(s, elder, elder, START).code
        new = issue_family_code(s, elder, elder, START + timedelta(minutes=1)).code
    with db.session() as s:
        if old != new:
            assert redeem_family_code(s, old, son, START + timedelta(minutes=2)).status == "invalid"
        assert redeem_family_code(s, new, son, START + timedelta(hours=25)).status == "invalid"
        assert redeem_family_code(s, new, elder, START + timedelta(minutes=2)).status == "own"
        assert redeem_family_code(s, new, son, START + timedelta(minutes=2)).status == "linked"
