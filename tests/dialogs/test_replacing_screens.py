"""A press on the chat's current screen (a menu, a list, a question) may be answered in that
screen's place; a message worth keeping (the greeting, a confirmation) never is."""
from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest

from bot.messages import Incoming, Pressed, Reply, Turn
from tests.conftest import START
from tests.support.catalog import add_course

USER, GROUP = "8101", "-1008101"
_keys = count(1)


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=2,
               first_start=START + timedelta(days=1, hours=1), venue="和平街道文化站")
    return sqlite_db


def on_screen(reply: Reply) -> Pressed:
    """The message as the chat shows it."""
    return Pressed(reply.text, tuple(choice.payload for choice in reply.choices))


def press(dialogs, screen: Reply, label: str, *, pressed: Pressed | None = None, chat: str = "") -> Turn:
    """Press the button whose label starts with `label` on `screen`."""
    choice = next(c for c in screen.choices if c.label.startswith(label))
    return dialogs.take_turn(Incoming("telegram", USER, payload=choice.payload, update_key=str(next(_keys)),
                                      chat_id=chat, pressed=pressed or on_screen(screen)))


def say(dialogs, text: str, chat: str = "") -> Turn:
    return dialogs.take_turn(Incoming("telegram", USER, text=text, update_key=str(next(_keys)), chat_id=chat))


def test_browsing_replaces_each_screen_in_place(dialogs, catalogue):
    [greeting] = say(dialogs, "/start").replies
    sections = press(dialogs, greeting, "服务菜单")
    assert not sections.replaces_pressed  # the greeting and its privacy notice stay in the chat
    categories = press(dialogs, sections.replies[0], "文化")
    courses = press(dialogs, categories.replies[0], "书法")
    page = press(dialogs, courses.replies[0], "零基础毛笔书法")
    question = press(dialogs, page.replies[0], "报名")
    assert all(turn.replaces_pressed for turn in (categories, courses, page, question))
    assert "确认报名" in question.replies[0].text


def test_a_confirmation_stays_when_its_buttons_are_pressed(dialogs, catalogue):
    [greeting] = say(dialogs, "/start").replies
    screen = greeting
    for label in ("服务菜单", "文化", "书法", "零基础毛笔书法", "报名"):
        screen = press(dialogs, screen, label).replies[0]
    done = press(dialogs, screen, "确认报名")
    assert done.replaces_pressed and "报名成功" in done.replies[0].text  # the question becomes the answer
    after = press(dialogs, done.replies[0], done.replies[0].choices[-1].label)
    assert after.replies and not after.replaces_pressed


def test_a_press_on_an_older_message_is_answered_below(dialogs, catalogue):
    [greeting] = say(dialogs, "/start").replies
    sections = press(dialogs, greeting, "服务菜单").replies[0]
    press(dialogs, sections, "文化")
    again = press(dialogs, sections, "体育")  # the sections screen is no longer the chat's current one
    assert again.replies and not again.replaces_pressed


def test_a_screen_shown_in_other_words_is_not_taken_for_the_current_one(dialogs, catalogue):
    [greeting] = say(dialogs, "/start").replies
    sections = press(dialogs, greeting, "服务菜单").replies[0]
    other = Pressed(sections.text + "（旧）", on_screen(sections).payloads)
    assert not press(dialogs, sections, "文化", pressed=other).replaces_pressed


def test_typed_numbers_and_presses_without_their_message_replace_nothing(dialogs, catalogue):
    [greeting] = say(dialogs, "/start").replies
    press(dialogs, greeting, "服务菜单")
    assert not say(dialogs, "1").replaces_pressed  # 文化, typed: answered below
    categories = dialogs.take_turn(Incoming("telegram", USER, payload="sec:文化", update_key="no-message"))
    assert categories.replies and not categories.replaces_pressed  # the channel did not say what was pressed


def test_a_group_screen_is_never_replaced(dialogs, catalogue):
    [menu] = say(dialogs, "/menu", chat=GROUP).replies
    sections = press(dialogs, menu, "服务菜单", chat=GROUP)
    assert sections.replies and not press(dialogs, sections.replies[0], "文化", chat=GROUP).replaces_pressed


def test_a_replaceable_screen_keeps_its_mark_through_the_state(dialogs, catalogue):
    [greeting] = say(dialogs, "/start").replies
    sections = press(dialogs, greeting, "服务菜单").replies[0]
    assert sections.replaceable and Reply.from_dict(sections.to_dict()) == sections
    assert not greeting.replaceable and "replaceable" not in greeting.to_dict()
