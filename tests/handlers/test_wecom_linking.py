"""绑定账号: a resident on a Telegram-like app and on WeCom links them and sees one list."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.messages import Incoming
from bot.handlers.console import render_reply
from bot.texts import t
from store.models import ChannelAccount, ClassSession, Enrolment, OutboxMessage, Rating, Resident
from tests.conftest import START
from tests.support.catalog import add_course


@pytest.fixture
def courses(sqlite_db):
    calligraphy = add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", capacity=2,
                             first_start=START + timedelta(days=1, hours=1))
    taiji = add_course(sqlite_db, "TY-TJ-01", "杨式太极拳", category="太极", section="体育",
                       first_start=START + timedelta(days=2))
    return calligraphy, taiji


def say(dialogs, channel: str, user: str, text: str = "", payload: str | None = None) -> str:
    replies = dialogs.handle(Incoming(channel, user, text=text, payload=payload))
    return "\n\n".join(render_reply(r) for r in replies)


def code_from(answer: str) -> str:
    return re.search(r"绑定码：(\d{6})", answer).group(1)


def live_places(db, code: str) -> list[Enrolment]:
    with db.session() as s:
        return [e for e in s.exec(select(Enrolment)) if e.status != "cancelled"
                and e.course_id == _course_id(s, code)]


def _course_id(session, code: str) -> int:
    from store.models import Course
    return session.exec(select(Course).where(Course.code == code)).one().id


def test_linking_with_a_code_gives_one_list_of_sign_ups(dialogs, sqlite_db, courses):
    say(dialogs, "console", "tg-1001", "你好")
    say(dialogs, "console", "tg-1001", payload="suy:WH-SF-01")
    say(dialogs, "wecom", "zhangsan", "你好")
    say(dialogs, "wecom", "zhangsan", payload="suy:TY-TJ-01")
    assert "杨式太极拳" not in say(dialogs, "console", "tg-1001", "我的报名")

    shown = say(dialogs, "console", "tg-1001", "绑定")
    assert "10 分钟内有效" in shown
    linked = say(dialogs, "wecom", "zhangsan", f"绑定 {code_from(shown)}")
    assert "绑定成功" in linked

    for channel, user in (("console", "tg-1001"), ("wecom", "zhangsan")):
        mine = say(dialogs, channel, user, "我的报名")
        assert "零基础毛笔书法" in mine and "杨式太极拳" in mine and "候补" not in mine
    with sqlite_db.session() as s:
        assert len(s.exec(select(Resident)).all()) == 1
        assert {a.resident_id for a in s.exec(select(ChannelAccount))} == {s.exec(select(Resident)).one().id}


def test_after_choosing_link_the_bare_code_from_the_other_app_is_enough(dialogs, sqlite_db, courses):
    say(dialogs, "console", "tg-2002", "你好")
    code = code_from(say(dialogs, "console", "tg-2002", "/link"))
    say(dialogs, "wecom", "lisi", "你好")
    assert "绑定码" in say(dialogs, "wecom", "lisi", "绑定账号")
    assert "绑定成功" in say(dialogs, "wecom", "lisi", code)
    # And after that, plain words are a search again.
    assert "零基础毛笔书法" in say(dialogs, "wecom", "lisi", "书法")


def test_one_course_on_both_sides_keeps_one_place_and_frees_the_other_seat(dialogs, sqlite_db, courses):
    for channel, user in (("console", "tg-3003"), ("wecom", "wangwu"), ("console", "tg-other")):
        say(dialogs, channel, user, "你好")
        say(dialogs, channel, user, payload="suy:WH-SF-01")  # capacity 2: the third one waits
    with sqlite_db.session() as s:
        merged_away = s.exec(select(ChannelAccount).where(ChannelAccount.external_id == "wangwu")).one().resident_id
    code = code_from(say(dialogs, "console", "tg-3003", "绑定"))
    assert "绑定成功" in say(dialogs, "wecom", "wangwu", f"绑定{code}")

    places = live_places(sqlite_db, "WH-SF-01")
    assert sorted(p.status for p in places) == ["confirmed", "confirmed"]
    assert len({p.resident_id for p in places}) == 2  # the merged one and the one who waited
    promoted = say(dialogs, "console", "tg-other", "我的报名")
    assert "零基础毛笔书法" in promoted and "候补" not in promoted
    with sqlite_db.session() as s:
        outbox = s.exec(select(OutboxMessage)).all()
    assert any(m.kind == "promotion" for m in outbox)
    assert not [m for m in outbox if m.resident_id == merged_away or f"resident:{merged_away}:" in m.idem_key]


def test_a_seat_beats_a_waiting_place(dialogs, sqlite_db, courses):
    add_course(sqlite_db, "WD-GC-01", "广场舞", category="舞蹈", section="艺术", capacity=1,
               first_start=START + timedelta(days=4))
    say(dialogs, "wecom", "zhaoliu", "你好")
    say(dialogs, "wecom", "zhaoliu", payload="suy:WD-GC-01")    # the seat
    say(dialogs, "console", "tg-4004", "你好")
    say(dialogs, "console", "tg-4004", payload="suy:WD-GC-01")  # waiting
    code = code_from(say(dialogs, "console", "tg-4004", "绑定"))
    assert "绑定成功" in say(dialogs, "wecom", "zhaoliu", f"绑定 {code}")
    places = live_places(sqlite_db, "WD-GC-01")
    assert [p.status for p in places] == ["confirmed"]
    mine = say(dialogs, "console", "tg-4004", "我的报名")
    assert "1. 广场舞\n" in mine and "候补" not in mine


def test_ratings_of_both_accounts_are_kept_without_doubles(dialogs, sqlite_db, courses):
    calligraphy, _ = courses
    say(dialogs, "console", "tg-5005", "你好")
    say(dialogs, "wecom", "sunqi", "你好")
    with sqlite_db.session() as s:
        first, second = s.exec(select(ClassSession).where(ClassSession.course_id == calligraphy.id)
                               .order_by(ClassSession.starts_at)).all()[:2]
        ids = {a.external_id: a.resident_id for a in s.exec(select(ChannelAccount))}
        s.add(Rating(session_id=first.id, course_id=calligraphy.id, resident_id=ids["tg-5005"], grade="优"))
        s.add(Rating(session_id=first.id, course_id=calligraphy.id, resident_id=ids["sunqi"], grade="中"))
        s.add(Rating(session_id=second.id, course_id=calligraphy.id, resident_id=ids["sunqi"], grade="良"))
    code = code_from(say(dialogs, "console", "tg-5005", "绑定"))
    assert "绑定成功" in say(dialogs, "wecom", "sunqi", f"绑定 {code}")
    with sqlite_db.session() as s:
        ratings = s.exec(select(Rating).order_by(Rating.session_id)).all()
    assert [(r.resident_id, r.grade) for r in ratings] == [(ids["tg-5005"], "优"), (ids["tg-5005"], "良")]


def test_codes_work_once_expire_and_are_not_for_oneself(dialogs, sqlite_db, clock, courses):
    for channel, user in (("console", "a"), ("wecom", "b"), ("wecom", "c")):
        say(dialogs, channel, user, "你好")
    code = code_from(say(dialogs, "console", "a", "绑定"))
    assert t("link_own", code=code) in say(dialogs, "console", "a", f"绑定 {code}")
    assert "绑定成功" in say(dialogs, "wecom", "b", f"绑定 {code}")
    assert "绑定码不对" in say(dialogs, "wecom", "c", f"绑定 {code}")  # used already

    late = code_from(say(dialogs, "console", "a", "绑定"))
    clock.advance(minutes=11)
    assert "绑定码不对" in say(dialogs, "wecom", "c", f"绑定 {late}")

    newer = code_from(say(dialogs, "console", "a", "绑定"))
    newest = code_from(say(dialogs, "console", "a", "绑定"))  # a new code retires the one before
    if newer != newest:
        assert "绑定码不对" in say(dialogs, "wecom", "c", f"绑定 {newer}")


def test_guessing_codes_is_stopped_after_a_few_tries(dialogs, sqlite_db, courses):
    say(dialogs, "console", "owner", "你好")
    code = code_from(say(dialogs, "console", "owner", "绑定"))
    say(dialogs, "wecom", "guesser", "你好")
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for _ in range(5):
        assert "绑定码不对" in say(dialogs, "wecom", "guesser", f"绑定 {wrong}")
    assert "输错次数太多" in say(dialogs, "wecom", "guesser", f"绑定 {code}")
    with sqlite_db.session() as s:
        assert len(s.exec(select(Resident)).all()) == 2
