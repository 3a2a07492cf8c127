"""A lottery course: residents apply until the deadline, the draw (linli lottery draw) seats whole
parties in draw order and queues the rest, everyone is told, and --check verifies the draw."""
from __future__ import annotations

import contextlib
import io
import json
from datetime import timedelta

from sqlmodel import select

from bot.cli.lottery import lottery_from_cli
from store.models import AuditEntry, Course, Enrolment, Resident
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person

COURSE_PAGE = ("1", "1", "1", "1")  # 服务菜单 → 文化 → 书法 → the course
NAMES = ("ana", "bo", "cai", "dan", "eve")


def lottery_course(db, capacity: int = 2) -> Course:
    course = add_course(db, "WH-SF-01", "零基础毛笔书法", capacity=capacity, first_start=START + timedelta(days=5))
    with db.session() as s:
        row = s.get(Course, course.id)
        row.signup_mode, row.apply_until = "lottery", START + timedelta(days=2)
        s.add(row)
    return course


def apply(chat) -> str:
    for text in COURSE_PAGE:
        page = chat.say(text)
    assert "摇号报名：12月3日 08:00 截止申请" in page
    asked = chat.say("1")
    assert "名额按摇号分配" in asked and "12月3日" in asked
    return chat.say("1")


def draw(dialogs, settings, *, check: bool = False, seed: str = "s1") -> tuple[int, dict | str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = lottery_from_cli(dialogs.db, settings, "WH-SF-01", seed, check, dialogs.clock.now(), out=out)
    return code, json.loads(out.getvalue()) if out.getvalue() else err.getvalue()


def statuses(db) -> dict[str, int]:
    with db.session() as s:
        found: dict[str, int] = {}
        for e in s.exec(select(Enrolment)):
            found[e.status] = found.get(e.status, 0) + 1
        return found


def test_applying_is_received_and_says_when_the_draw_is(dialogs):
    lottery_course(dialogs.db)
    ana = console_person(dialogs, "ana")
    done = apply(ana)
    assert "已收到您的报名申请" in done and "摇号" in done and "12月3日" in done
    assert statuses(dialogs.db) == {"applied": 1}
    mine = ana.say("1")                                      # 我的报名
    assert "等待摇号" in mine
    for text in ("/start", *COURSE_PAGE):
        page = ana.say(text)
    assert "已提交报名申请，等待摇号" in page and "候补第" not in page


def test_an_application_can_be_cancelled_from_my_signups(dialogs):
    lottery_course(dialogs.db)
    ana = console_person(dialogs, "ana")
    apply(ana)
    ana.say("1")                                             # 我的报名
    place = ana.say("1")
    assert "等待摇号" in place
    ana.say("1")                                             # 取消
    ana.say("1")                                             # 确认
    assert statuses(dialogs.db) == {"cancelled": 1}


def test_after_the_deadline_the_window_is_closed(dialogs):
    lottery_course(dialogs.db)
    dialogs.clock.advance(days=2, minutes=1)
    bo = console_person(dialogs, "bo")
    for text in COURSE_PAGE:
        bo.say(text)
    assert "报名申请已截止" in bo.say("1")
    assert statuses(dialogs.db) == {}


def test_the_draw_seats_some_queues_the_rest_and_tells_everyone(dialogs, settings):
    lottery_course(dialogs.db, capacity=2)
    people = {name: console_person(dialogs, name) for name in NAMES}
    for chat in people.values():
        apply(chat)
    early, _ = draw(dialogs, settings)
    assert early == 2                                        # before the deadline: refused
    dialogs.clock.advance(days=2, minutes=1)
    code, result = draw(dialogs, settings)
    assert code == 0 and len(result["seated"]) == 2 and len(result["waiting"]) == 3
    assert statuses(dialogs.db) == {"confirmed": 2, "waiting": 3}
    told = {name: [r.text for _, r in deliver_due(dialogs, name) if r and "摇号结果" in r.text] for name in NAMES}
    won = [name for name, texts in told.items() if texts and "中签" in texts[0] and "未中签" not in texts[0]]
    lost = sorted(texts[0] for texts in told.values() if texts and "未中签" in texts[0])
    assert len(won) == 2 and all("零基础毛笔书法" in told[n][0] and "首次上课" in told[n][0] for n in won)
    assert [("候补第 %d 位" % i) in text for i, text in zip((1, 2, 3), lost)] == [True] * 3
    again, refused = draw(dialogs, settings)
    assert again == 2 and "已经摇过号" in refused


def test_check_passes_on_the_recorded_draw_and_catches_tampering(dialogs, settings):
    lottery_course(dialogs.db, capacity=2)
    for name in NAMES:
        apply(console_person(dialogs, name))
    dialogs.clock.advance(days=2, minutes=1)
    _, first = draw(dialogs, settings)
    code, checked = draw(dialogs, settings, check=True)
    assert code == 0 and checked["status"] == "match" and checked["seated"] == first["seated"]
    before = statuses(dialogs.db)
    assert draw(dialogs, settings, check=True, seed="other")[0] == 2
    with dialogs.db.session() as s:                          # someone rewrites who won
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "lottery.draw")).one()
        detail = json.loads(entry.detail)
        detail["seated"], detail["waiting"][0] = [detail["waiting"][0], detail["seated"][1]], detail["seated"][0]
        entry.detail = json.dumps(detail)
        s.add(entry)
    code, checked = draw(dialogs, settings, check=True)
    assert code == 1 and checked["status"] == "differs"
    assert statuses(dialogs.db) == before


def test_check_catches_an_application_slipped_in_after_the_draw(dialogs, settings):
    course = lottery_course(dialogs.db, capacity=2)
    for name in NAMES:
        apply(console_person(dialogs, name))
    dialogs.clock.advance(days=2, minutes=1)
    draw(dialogs, settings)
    with dialogs.db.session() as s:                          # a seat written in by hand, dated early
        resident_id = s.exec(select(Enrolment.resident_id)).first() + 100
        s.add(Resident(id=resident_id, display_name="zed"))
        s.flush()
        s.add(Enrolment(course_id=course.id, resident_id=resident_id, status="confirmed", party=1,
                        queue_no=99, created_at=START, updated_at=START, confirmed_at=START))
    code, checked = draw(dialogs, settings, check=True)
    assert code == 1 and checked["status"] == "differs" and checked["candidates_changed"] is True
