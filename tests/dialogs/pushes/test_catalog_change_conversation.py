"""A catalogue import that moves, cancels or adds sessions, as the residents enrolled see it."""
from __future__ import annotations

import csv
from datetime import timedelta

import pytest

from bot.app import import_catalogue
from bot.handlers.console import ConsoleChat, render_reply
from bot.messages import Incoming
from store.catalog_import import CatalogImportError
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due, pending_keys, planned_reminder_times

HEADER = ["course_code", "section", "category", "title", "teacher", "venue", "starts_at", "ends_at",
          "capacity"]
COURSE = ["WH-SF-01", "文化", "书法", "零基础毛笔书法", "林秀兰老师", "和平街道文化站"]
# Wednesdays 09:00–10:30 in Shanghai; START is Tuesday 1 December, 08:00.
DEC_2 = ["2026-12-02 09:00", "2026-12-02 10:30"]
DEC_9 = ["2026-12-09 09:00", "2026-12-09 10:30"]
DEC_10 = ["2026-12-10 14:00", "2026-12-10 15:30"]
DEC_16 = ["2026-12-16 09:00", "2026-12-16 10:30"]


def catalogue(path, sessions, capacity=1):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(COURSE + times + [str(capacity)] for times in sessions)
    return path


@pytest.fixture
def imported(dialogs, settings, tmp_path):
    def run(sessions, capacity=1, name="catalog.csv"):
        return import_catalogue(dialogs.db, settings, catalogue(tmp_path / name, sessions, capacity),
                                now=dialogs.clock.now())
    run([DEC_2, DEC_9])
    return run


def signed_up(dialogs, user: str, answer: str) -> ConsoleChat:
    chat = ConsoleChat(dialogs, user)
    chat.say("/start")
    assert answer in render_reply(dialogs.handle(Incoming("console", user, payload="suy:WH-SF-01"))[0])
    return chat


@pytest.fixture
def wang(dialogs, imported):
    return signed_up(dialogs, "wang", "报名成功")


@pytest.fixture
def li(dialogs, wang):
    return signed_up(dialogs, "li", "候补")


def reminder_due_times(dialogs, user):
    return planned_reminder_times(dialogs, user)


def test_a_moved_session_is_announced_and_its_reminders_follow_it(dialogs, imported, wang, clock):
    before = reminder_due_times(dialogs, "wang")
    report = imported([DEC_2, DEC_10])
    assert report.summary()["sessions_moved"] == 1
    [(kind, notice)] = deliver_due(dialogs, "wang")
    assert kind == "schedule_change"
    assert "调课通知：【零基础毛笔书法】原定 12月9日（周三）09:00–10:30 的课，改到 12月10日（周四）14:00–15:30" \
        in notice.text
    assert "地点：和平街道文化站" in notice.text
    after = reminder_due_times(dialogs, "wang")
    assert len(after) == len(before) == 4
    assert after[:2] == before[:2] and after[2:] != before[2:]
    clock.set(START + timedelta(days=9, hours=5))  # 10 December 13:00 in Shanghai
    reminders = [reply.text for kind, reply in deliver_due(dialogs, "wang") if kind == "reminder" and reply]
    assert "12月10日（周四）14:00–15:30" in reminders[-1]
    assert not any("12月9日" in text for text in reminders)


def test_a_cancelled_session_is_announced_and_nothing_more_is_sent_for_it(dialogs, imported, wang):
    imported([DEC_2])
    [(kind, notice)] = deliver_due(dialogs, "wang")
    assert "停课通知：【零基础毛笔书法】12月9日（周三）09:00–10:30 的课取消了" in notice.text
    assert "1. 我的报名" in render_reply(notice)
    reminder_due_times(dialogs, "wang")  # plan the weeks ahead
    keys = pending_keys(dialogs, "wang")
    assert len(keys) == 3 and all("session:" in key for key in keys)  # 12-02: two reminders, a poll


def test_an_added_session_gets_reminders_without_a_notice(dialogs, imported, wang):
    imported([DEC_2, DEC_9, DEC_16])
    assert deliver_due(dialogs, "wang") == []
    assert len(reminder_due_times(dialogs, "wang")) == 6


def test_more_seats_in_the_file_go_to_those_waiting(dialogs, imported, li):
    report = imported([DEC_2, DEC_9], capacity=2)
    assert report.promoted == 1
    [(kind, push)] = deliver_due(dialogs, "li")
    assert kind == "promotion" and "已为您报名成功" in push.text
    assert len(reminder_due_times(dialogs, "li")) == 4


def test_a_bad_file_changes_nothing_and_tells_nobody(dialogs, imported, wang):
    reminder_due_times(dialogs, "wang")  # plan the weeks ahead
    keys = pending_keys(dialogs, "wang")
    assert keys
    with pytest.raises(CatalogImportError):
        imported([DEC_2, ["2026-12-10 14:00", "下午"]])
    assert pending_keys(dialogs, "wang") == keys
    assert deliver_due(dialogs, "wang") == []
