"""Family links: the elder makes a one-time code under 设置 → 我的家人, a relative types 绑定家人 CODE and
manages the elder's sign-ups through 家人代办; the elder is told and can remove the link. A wrong,
used or expired code gets a clear answer and changes nothing."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.messages import Incoming
from store.models import AuditEntry, Enrolment, FamilyLink, Resident
from store.people import find_account
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1, hours=1))
    return sqlite_db


def resident_of(dialogs, user: str) -> int:
    with dialogs.db.session() as s:
        return find_account(s, "console", user).resident_id


def links(dialogs) -> list[FamilyLink]:
    with dialogs.db.session() as s:
        return list(s.exec(select(FamilyLink).order_by(FamilyLink.id)))


def named(dialogs, user: str, name: str):
    chat = console_person(dialogs, user)
    with dialogs.db.session() as s:
        person = s.get(Resident, find_account(s, "console", user).resident_id)
        person.display_name = name
        s.add(person)
        s.commit()
    return chat


def elder_code(elder) -> str:
    elder.say("设置")
    assert "还没有绑定家人" in elder.say("我的家人")
    made = elder.say("生成家人绑定码")
    assert "24小时内有效，只能用一次" in made
    return re.search(r"绑定码：(\d{6})", made).group(1)


def test_a_relative_links_with_the_code_and_signs_the_elder_up(dialogs, catalogue):
    elder, son = named(dialogs, "elder", "张桂兰"), named(dialogs, "son", "李明")
    code = elder_code(elder)
    wrong = "000000" if code != "000000" else "111111"
    assert "绑定码不对" in son.say(f"绑定家人 {wrong}")
    assert links(dialogs) == []
    linked = son.say(f"绑定家人 {code}")
    assert "绑定成功！现在可以帮张桂兰报名" in linked
    [told] = [r.text for kind, r in deliver_due(dialogs, "elder") if kind == "family"]
    assert "李明已绑定为您的家人" in told and "我的家人 里解除" in told
    assert "1. 张桂兰" in son.say("家人代办")
    acting = son.say("1")
    assert acting.startswith("【正在为张桂兰代办")
    son.say("服务菜单"), son.say("文化"), son.say("1"), son.say("1"), son.say("报名")
    assert "报名成功" in son.say("确认报名")
    assert "零基础毛笔书法（代办）" in son.say("我的报名")
    son.say("1")
    assert "已为您请假" in son.say("请假")
    elder_id, son_id = resident_of(dialogs, "elder"), resident_of(dialogs, "son")
    with dialogs.db.session() as s:
        place = s.exec(select(Enrolment)).one()
        assert (place.resident_id, place.proxy_by) == (elder_id, son_id)
    pushes = [r.text for kind, r in deliver_due(dialogs, "elder") if kind == "proxy"]
    assert len(pushes) == 2 and all(p.startswith("您的家人李明为您代办") for p in pushes)
    mine = elder.say("我的报名")
    assert "零基础毛笔书法（代办）" in mine                           # the elder sees it in her own list
    son.say("退出代办")
    assert "您还没有报名" in son.say("我的报名")


def test_the_code_works_once_and_expires(dialogs, catalogue, clock):
    elder = named(dialogs, "elder", "张桂兰")
    son, niece, cousin = (named(dialogs, u, n) for u, n in (("son", "李明"), ("niece", "王芳"), ("cousin", "赵强")))
    code = elder_code(elder)
    assert "绑定成功" in son.say(f"绑定家人 {code}")
    assert "绑定码不对，或已经用过、过期了" in niece.say(f"绑定家人 {code}")     # used once already
    elder.say("我的家人")
    code = elder.say("生成家人绑定码")
    code = re.search(r"绑定码：(\d{6})", code).group(1)
    clock.advance(hours=25)
    assert "绑定码不对" in cousin.say(f"绑定家人 {code}")                       # expired
    assert [link.member_id for link in links(dialogs)] == [resident_of(dialogs, "son")]
    assert "请输入家人给您的 6 位绑定码" in cousin.say("绑定家人")
    assert "绑定码不对" in cousin.say("123")


def test_guessing_codes_is_stopped(dialogs, catalogue):
    elder = named(dialogs, "elder", "张桂兰")
    guesser = named(dialogs, "guesser", "某人")
    code = elder_code(elder)
    others = [f"{n:06d}" for n in range(1, 10) if f"{n:06d}" != code][:5]
    for guess in others:
        assert "绑定码不对" in guesser.say(f"绑定家人 {guess}")
    assert "输错次数太多" in guesser.say(f"绑定家人 {code}")
    assert links(dialogs) == []


def test_the_elder_removes_the_link_and_the_relative_can_no_longer_act(dialogs, catalogue):
    elder, son = named(dialogs, "elder", "张桂兰"), named(dialogs, "son", "李明")
    son.say(f"绑定家人 {elder_code(elder)}")
    son.say("家人代办")
    son.say("1")
    elder.say("设置")
    family = elder.say("我的家人")
    assert "1. 李明（" in family and "解除 李明" in family
    assert "确定解除和李明的绑定吗" in elder.say("解除 李明")
    assert "已解除和李明的绑定" in elder.say("确认解除")
    ended = son.say("我的报名")
    assert ended.startswith("代办已结束") and "正在为" not in ended
    assert "还没有绑定家人" in son.say("家人代办")
    [told] = [r.text for kind, r in deliver_due(dialogs, "son") if kind == "family"]
    assert "张桂兰已解除和您的家人绑定" in told
    [reply] = dialogs.handle(Incoming("console", "son", payload=f"famg:{resident_of(dialogs, 'elder')}"))
    assert "还没有绑定家人" in reply.text
    with dialogs.db.session() as s:
        actions = [a.action for a in s.exec(select(AuditEntry).where(AuditEntry.action.startswith("family.")))]
    assert actions == ["family.code", "family.link", "family.unlink"]


def test_staff_make_the_code_for_a_phoneless_elder(dialogs, catalogue):
    from bot.privacy import phone_cipher
    from store.proxy import register_person
    with dialogs.db.session() as s:
        cipher = phone_cipher(dialogs.settings, dialogs.db.url)
        zhang = register_person(s, cipher, name="张桂兰", phone="13812345678", community="幸福社区", staff_id=1,
                                actor="test", now=START).resident.id
        s.commit()
    staff = console_person(dialogs, "staff", "organizer")
    [reply] = dialogs.handle(Incoming("console", "staff", payload=f"pxf:{zhang}"))
    code = re.search(r"绑定码：(\d{6})", reply.text).group(1)
    son = named(dialogs, "son", "李明")
    assert "绑定成功！现在可以帮张桂兰报名" in son.say(f"绑定家人 {code}")
    assert "张桂兰" in son.say("家人代办") and staff.say("主菜单")


def test_deleting_the_account_ends_the_links_and_forgets_a_registered_phone(dialogs, catalogue):
    from store.erasure import erase_resident
    elder, son = named(dialogs, "elder", "张桂兰"), named(dialogs, "son", "李明")
    son.say(f"绑定家人 {elder_code(elder)}")
    elder_id = resident_of(dialogs, "elder")
    with dialogs.db.session() as s:
        person = s.get(Resident, elder_id)
        person.phone, person.phone_tail = "g1:sealed", "digest"
        s.add(person)
        erase_resident(s, elder_id, START)
        s.commit()
    with dialogs.db.session() as s:
        person = s.get(Resident, elder_id)
        assert (person.phone, person.phone_tail) == ("", "")
    assert all(link.removed_at is not None for link in links(dialogs))
    assert "还没有绑定家人" in son.say("家人代办")
