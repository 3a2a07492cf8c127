"""Whatever a resident types or whatever button data arrives, the bot answers in words and the store
stays as it was, except where the conversation really did something (a confirmed sign-up)."""
from __future__ import annotations

import itertools
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import func, inspect, literal, select, union_all
from sqlmodel import SQLModel

from tests.support.clock import ManualClock
from bot.dialogs import ROUTERS
from bot.dialogs.engine import Dialogs
from bot.messages import Incoming, Reply
from bot.dialogs.router import Routes
from bot.dialogs.text_input import as_number
from bot.settings import load_settings
from bot.texts import t
from store.booking_slots import free_slots, local_date
from store.catalog import course_by_code, sessions_of
from store.db import Database
from store.demo import load_demo
from store.dialog_state import load_state
from store.models import Room, Venue
from store.models.feedback import FEEDBACK_CATEGORIES
from store.orders import active_services
from store.people import find_account
from tests.conftest import ROOT, START
from tests.support.catalog import add_course

CHANNEL = "console"
BUSY = t("busy")
PAST_COURSE = "TEST-PAST-01"
# Tables a turn writes to keep the conversation going, whatever was typed.
BOOKKEEPING = {"audit_log", "dialog_state", "processed_update", "channel_account", "resident"}
# 绑定账号 hands out a fresh code, and counts a wrong one against guessing: whatever follows "link:".
LINKING = {"link_code", "link_failure"}
# 生成家人绑定码 hands out a fresh code, and 绑定家人 counts a wrong one against guessing.
FAMILY_CODES = {"famc": {"family_code"}, "famb": {"link_failure"}}
# What no conversation may ever change.
CATALOGUE = {"category", "course", "class_session", "venue", "room", "room_closure", "service_item",
             "service_team", "reward", "vote", "vote_option"}
# What grows only through the confirm step of its own flow: 确认报名, 确认预约, 提交点单.
CONFIRMED_BY = {"enrolment": "suy:", "booking": "bky:", "service_order": "ook"}

_users = itertools.count(1)

NASTY_TEXTS = [
    "'; DROP TABLE course;--", "1; DELETE FROM enrolment", "' OR '1'='1", "\" OR \"\"=\"",
    "<script>alert(1)</script>", "<b>粗体</b>", "&lt;&amp;&gt;", "{{7*7}}", "${jndi:ldap://x}", "%s%s%n",
    "/xyz", "/", "//", "/start@", "/start@other_bot", "/start course-", "/start vote-", "/start vote-abc",
    "/start " + "9" * 30, "/start course-" + "9" * 30, "/start vote-" + "9" * 30,
    "/draw", "/checkin", "/link", "绑定 ", "邀请码 ???",
    "0", "-1", "9999", "１２", "第0项", "第999项", "3号", "1.5", "1e9", "+1", "٣", "²", "①", "9" * 40,
    "", " ", "   ", "\t", "\n", "\r\n", "\u3000", "\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u202e反转",
    "\x00", "\x07\x08\x1b[31m", "\x7f", "😀", "👨‍👩‍👧‍👦", "🇨🇳", "e\u0301", "\U0001f600" * 200,
    "a" * 5000, "书" * 5000, "取消", "算了", "退出", "放弃", "菜单", "帮助", "?", "？",
    "null", "None", "undefined", "NaN", "true", "[]", "{}", "\\", "\\n", ":", "：", "::::",
]
SAMPLE_CHARS = list("书法太极舞蹈合唱0123456789１２３ \u3000\u200b\u200d\ufeff😀\x00\x07\n\t/<>'\";:：-_%&#")

typed_text = st.one_of(
    st.sampled_from(NASTY_TEXTS),
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(SAMPLE_CHARS), max_size=40),
    st.text(min_size=5000, max_size=5000, alphabet=st.sampled_from(["a", "书", "😀", " "])),
    st.integers(min_value=-10, max_value=10 ** 6).map(str),
)
# A step of a conversation: pick the n-th choice of the last screen by typing its number, or type text.
steps = st.lists(st.one_of(st.tuples(st.just("pick"), st.integers(min_value=1, max_value=12)),
                           st.tuples(st.just("type"), typed_text)), min_size=1, max_size=12)
VERBS = sorted(Routes(ROUTERS).payloads)
GARBAGE_ARGS = ["", "abc", "-1", "999999", "1:2:3:4", "x" * 60, "9" * 30, "-" + "9" * 30, "²", "①",
                "\u200b1", "'; DROP TABLE course;--", "::"]


class Failures(logging.Handler):
    """Keeps every error the bot logs while it answers."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The demo catalogue (plus a course whose first class is over) behind the dialogs."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('bad-input') / 'linli.db'}")
    db.create_all()
    load_demo(db, now=START)
    add_course(db, PAST_COURSE, "测试回顾课", category="测试", first_start=START - timedelta(days=2),
               sessions=4, capacity=10000)
    settings = load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml"),  # files any button makes stay here
                              "LINLI_FILES__DIR": str(tmp_path_factory.mktemp("bad-input-files"))})
    dialogs = Dialogs(db, settings, ManualClock(START))
    failures = Failures()
    logger = logging.getLogger("linli")
    logger.addHandler(failures)
    yield dialogs, failures
    logger.removeHandler(failures)
    db.dispose()


COUNT_ROWS = union_all(*(select(literal(name).label("name"), func.count().label("rows")).select_from(table)
                         for name, table in SQLModel.metadata.tables.items()))


def table_counts(db: Database) -> dict[str, int]:
    """Rows in every table, in one query."""
    with db.session() as s:
        return dict(s.execute(COUNT_ROWS).all())


def table_names(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())


def changed(before: dict[str, int], after: dict[str, int], ignore: set[str] = frozenset()) -> dict:
    return {name: (before[name], after[name]) for name in before
            if name not in ignore and before[name] != after[name]}


def assert_answered(replies: list[Reply], failures: Failures, what: object) -> None:
    """At least one reply, every reply with words, none of them the busy message, nothing logged."""
    logged = [record.getMessage() for record in failures.records]
    failures.records.clear()
    assert replies, f"no answer to {what!r}"
    for reply in replies:
        assert reply.text.strip(), f"an empty reply to {what!r}"
        assert BUSY not in reply.text, f"{what!r} ended in the busy message"
    assert not logged, f"{what!r}: {logged[0]}"


def new_user() -> str:
    return f"resident-{next(_users)}"


def say(dialogs: Dialogs, user: str, text: str) -> list[Reply]:
    return dialogs.handle(Incoming(CHANNEL, user, text=text))


def press(dialogs: Dialogs, user: str, payload: str) -> list[Reply]:
    return dialogs.handle(Incoming(CHANNEL, user, payload=payload))


def expectation_of(dialogs: Dialogs, user: str) -> str:
    with dialogs.db.session() as s:
        return load_state(s, find_account(s, CHANNEL, user).id).expect


def last_choices(replies: list[Reply]) -> list[str]:
    for reply in reversed(replies):
        if reply.choices:
            return [c.payload for c in reply.choices]
    return []


PROPERTY = hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(steps=steps)
def test_any_text_at_any_point_of_a_conversation_gets_a_clear_answer(world, steps):
    dialogs, failures = world
    db = dialogs.db
    tables = table_names(db)
    user = new_user()
    replies = say(dialogs, user, "/start")
    for kind, value in steps:
        choices = last_choices(replies)
        text = str((value - 1) % len(choices) + 1) if kind == "pick" and choices else str(value)
        number = as_number(text)
        chosen = choices[number - 1] if number is not None and 1 <= number <= len(choices) else ""
        before = table_counts(db)
        replies = say(dialogs, user, text)
        assert_answered(replies, failures, text)
        after = table_counts(db)
        assert not changed(before, after, ignore=set(after) - CATALOGUE), f"{text!r} changed the catalogue"
        for table, confirm in CONFIRMED_BY.items():
            if not chosen.startswith(confirm):
                assert after[table] == before[table], f"{text!r} changed {table} without {confirm}"
    assert table_names(db) == tables


def _free_slot_payload(dialogs: Dialogs) -> str:
    tz = ZoneInfo(dialogs.settings.general.timezone)
    with dialogs.db.session() as s:
        for room in s.exec(select(Room).where(Room.bookable == True)).scalars():  # noqa: E712
            venue = s.get(Venue, room.venue_id)
            for days in range(1, 8):
                day = local_date(START, tz) + timedelta(days=days)
                slots = free_slots(s, room, day, START, tz, venue)
                if slots:
                    return f"bks:{room.id}:{slots[0].starts_at:%Y%m%d%H%M}"
    raise AssertionError("the demo has no free slot to book")


def _past_session_id(dialogs: Dialogs) -> int:
    with dialogs.db.session() as s:
        course = course_by_code(s, PAST_COURSE)
        return sessions_of(s, course.id)[0].id


def _service_code(dialogs: Dialogs) -> str:
    with dialogs.db.session() as s:
        return active_services(s)[0].code


# Every question a resident can be asked, and the taps that lead to it.
QUESTIONS = {
    "search": lambda d: ["search"],
    "link_code": lambda d: ["link"],
    "order_form": lambda d: [f"osv:{_service_code(d)}"],
    "bk_purpose": lambda d: [_free_slot_payload(d)],
    "bk_count": lambda d: [_free_slot_payload(d), "bkp:1"],
    "vol_form": lambda d: ["volreg"],
    "fb_text": lambda d: [f"fbc:{FEEDBACK_CATEGORIES[0]}"],
    "rating_comment": lambda d: [f"suy:{PAST_COURSE}", f"rt:{_past_session_id(d)}:优"],
}


@pytest.mark.parametrize("question", sorted(QUESTIONS))
@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=typed_text)
def test_any_answer_to_any_question_gets_a_clear_answer(world, question, text):
    dialogs, failures = world
    db = dialogs.db
    user = new_user()
    say(dialogs, user, "/start")
    for payload in QUESTIONS[question](dialogs):
        assert_answered(press(dialogs, user, payload), failures, payload)
    assert expectation_of(dialogs, user) == question
    before = table_counts(db)
    assert_answered(say(dialogs, user, text), failures, text)
    after = table_counts(db)
    assert not changed(before, after, ignore=set(after) - CATALOGUE - set(CONFIRMED_BY)), text


verbs = st.one_of(st.sampled_from(VERBS), st.text(max_size=12).filter(lambda v: ":" not in v))
args = st.lists(st.one_of(st.sampled_from(GARBAGE_ARGS), st.text(max_size=20).map(lambda a: a.replace(":", ""))),
                max_size=4)


@PROPERTY
@given(verb=verbs, args=args)
def test_forged_button_data_gets_a_clear_answer_and_changes_nothing(world, verb, args):
    dialogs, failures = world
    db = dialogs.db
    user = new_user()
    say(dialogs, user, "/start")
    payload = ":".join([verb, *args])
    before = table_counts(db)
    assert_answered(press(dialogs, user, payload), failures, payload)
    after = table_counts(db)
    allowed = BOOKKEEPING | (LINKING if verb == "link" else set()) | FAMILY_CODES.get(verb, set())
    assert not changed(before, after, ignore=allowed), payload


@pytest.mark.parametrize("verb", VERBS)
def test_every_real_button_with_garbage_data_gets_a_clear_answer(world, verb):
    dialogs, failures = world
    db = dialogs.db
    for arg in GARBAGE_ARGS:
        payload = f"{verb}:{arg}" if arg else verb
        before = table_counts(db)
        # Someone who never saw a screen of ours, so no number can point into a list they were shown.
        assert_answered(press(dialogs, new_user(), payload), failures, payload)
        after = table_counts(db)
        allowed = BOOKKEEPING | (LINKING if verb == "link" else set()) | FAMILY_CODES.get(verb, set())
        assert not changed(before, after, ignore=allowed), payload
