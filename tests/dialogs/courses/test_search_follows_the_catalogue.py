"""搜索 on the demo catalogue as `linli chat` builds it: a course renamed by `linli import catalog` or
withdrawn is found by its new title at once, with the index updated in place, not rebuilt."""
from __future__ import annotations

import csv
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.app import build_dialogs, import_catalogue
from bot.clock import utcnow
from bot.dialogs.catalogue_search import CACHE_KEY, course_changed
from bot.settings import load_settings
from store.models import Category, Course
from tests.conftest import ROOT
from tests.support.people import console_person

HEADER = ["course_code", "section", "category", "title", "teacher", "venue", "starts_at", "ends_at",
          "capacity", "description", "tags"]


@pytest.fixture
def demo(tmp_path):
    settings = load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml"),
                              "LINLI_DATABASE__URL": f"sqlite:///{tmp_path / 'search.db'}"})
    dialogs = build_dialogs(settings)
    yield dialogs, settings
    dialogs.db.dispose()


def calligraphy_course(dialogs) -> Course:
    with dialogs.db.session() as s:
        return s.exec(select(Course).where(Course.title == "零基础毛笔书法")).one()


def rename(dialogs, settings, path, course: Course, title: str) -> None:
    """`linli import catalog` with one row: the course under a new title."""
    with dialogs.db.session() as s:
        category = s.get(Category, course.category_id)
    start = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%d 09:00")
    end = start.replace("09:00", "10:30")
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerow([course.code, category.section, category.name, title, course.teacher,
                         "幸福社区党群服务中心", start, end, "20", "", "毛笔"])
    import_catalogue(dialogs.db, settings, path)


def test_a_renamed_course_is_found_by_its_new_title_not_its_old(demo, tmp_path):
    dialogs, settings = demo
    chat = console_person(dialogs, "search-rename")
    assert "零基础毛笔书法" in chat.say("毛笔书法")
    built = dialogs.services.cache[CACHE_KEY]
    index = built.index

    course = calligraphy_course(dialogs)
    rename(dialogs, settings, tmp_path / "rename.csv", course, "重阳节书法雅集")

    assert "重阳节书法雅集" in chat.say("chongyangjie")
    assert "零基础毛笔书法" not in chat.say("零基础毛笔")
    assert dialogs.services.cache[CACHE_KEY] is built and built.index is index  # updated, not rebuilt


def test_a_withdrawn_course_is_no_longer_found(demo):
    dialogs, _ = demo
    chat = console_person(dialogs, "search-withdrawn")
    assert "零基础毛笔书法" in chat.say("毛笔书法")
    with dialogs.db.session() as s:
        course = s.exec(select(Course).where(Course.title == "零基础毛笔书法")).one()
        course.active, course.updated_at = False, utcnow()
        s.add(course)
    assert "零基础毛笔书法" not in chat.say("毛笔书法")


def test_a_search_turn_reads_no_community_names(demo):
    dialogs, _ = demo
    chat = console_person(dialogs, "search-statements")
    chat.say("毛笔")  # the index, and the communities with it, are read once
    statements: list[str] = []
    listener = lambda conn, cursor, sql, *rest: statements.append(sql)  # noqa: E731
    event.listen(dialogs.db.engine, "before_cursor_execute", listener)
    try:
        assert "零基础毛笔书法" in chat.say("毛笔书法")
    finally:
        event.remove(dialogs.db.engine, "before_cursor_execute", listener)
    assert not [sql for sql in statements if "community" in sql and "DISTINCT" in sql.upper()]


def test_a_course_published_in_this_worker_is_found_at_once(demo):
    dialogs, _ = demo
    chat = console_person(dialogs, "search-published")
    chat.say("毛笔书法")
    calligraphy = calligraphy_course(dialogs)
    with dialogs.db.session() as s:
        course = Course(code="WH-SF-99", title="重阳节长者书法雅集", section=calligraphy.section,
                        category_id=calligraphy.category_id, teacher="周墨华", capacity=20)
        s.add(course)
    built = dialogs.services.cache[CACHE_KEY]
    course_changed(SimpleNamespace(services=dialogs.services), course)
    assert ("course", "WH-SF-99") in built.index
    assert "重阳节长者书法雅集" in chat.say("zhangzhe shufa")
    assert dialogs.services.cache[CACHE_KEY] is built
