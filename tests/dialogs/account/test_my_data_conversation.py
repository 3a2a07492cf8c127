"""我的数据 as a resident sees it: the privacy notice, the summary, the file, through the app as built."""
from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import build_dialogs
from bot.handlers.console import ConsoleChat
from bot.privacy import phone_cipher
from bot.texts import t

from store.models import ServiceItem
from store.orders import place_order
from store.people import find_account
from store.services_import import load_demo_services
from tests.conftest import START
from tests.support.catalog import add_course
from tests.support.people import console_person

PHONE = "13812345678"


def app_settings(settings, db, tmp_path: Path):
    """The shipped settings on this database, with files kept under tmp_path."""
    return settings.model_copy(update={
        "database": settings.database.model_copy(update={"url": db.url}),
        "files": settings.files.model_copy(update={"dir": str(tmp_path / "files")}),
        "general": settings.general.model_copy(update={"demo_on_empty": False}),
    })


@pytest.fixture
def app(sqlite_db, settings, clock, tmp_path):
    """The dialogs as `linli chat` builds them, on a small catalogue with one order placed."""
    add_course(sqlite_db, "SF-01", "书法入门", first_start=START + timedelta(days=2))
    load_demo_services(sqlite_db)
    dialogs = build_dialogs(app_settings(settings, sqlite_db, tmp_path), with_demo=False)
    dialogs.clock = clock
    return dialogs


def order_for(dialogs, user: str) -> None:
    with dialogs.db.session() as s:
        account = find_account(s, "console", user)
        service = s.exec(select(ServiceItem)).first()
        place_order(s, service_id=service.id, community="幸福社区", place="文化广场", preferred_dates="周六",
                    audience=40, contact_name="王阿姨",
                    contact_phone=phone_cipher(dialogs.settings, dialogs.db.url).seal(PHONE),
                    resident_id=account.resident_id, now=START)


def test_first_contact_and_help_carry_the_privacy_notice(app):
    chat = ConsoleChat(app, "wang")
    first = chat.say("你好")
    assert t("greeting") in first and "我的数据" in first and "180 天" in first
    assert "隐私说明" in chat.say("帮助")
    assert "隐私说明" not in chat.say("菜单")


def test_my_data_shows_what_is_stored_with_the_phone_masked(app):
    chat = console_person(app, "wang")
    chat.say("服务菜单")
    order_for(app, "wang")
    order_for(app, "wang")
    screen = chat.say("我的数据")
    assert "电话：138****5678\n" in screen and PHONE not in screen  # the same number once
    assert "终端" in screen and "点单：2 个" in screen and "身份：居民" in screen
    assert "1. 导出为文件" in screen and "2. 删除我的账号" in screen and "3. 主菜单" in screen


def test_my_data_is_reached_from_settings_and_more(app):
    chat = console_person(app, "wang")
    settings_screen = chat.say("设置")
    number = [line for line in settings_screen.splitlines() if line.endswith("我的数据")][0].split(".")[0]
    assert "导出为文件" in chat.say(number)
    more = chat.say("更多服务")
    while "我的数据" not in more and "下一页" in more:
        more = chat.say([line for line in more.splitlines() if line.endswith("下一页")][0].split(".")[0])
    assert "我的数据" in more


def test_the_export_is_a_file_of_everything_stored_phone_masked(app):
    chat = console_person(app, "wang")
    chat.say("我的数据")
    order_for(app, "wang")
    answer = chat.say("1")
    path = Path(answer.split("[文件] ")[1].splitlines()[0])
    assert path.suffix == ".json" and oct(os.stat(path).st_mode & 0o777) == "0o600"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["accounts"][0] == {**data["accounts"][0], "channel": "console", "id": "wang"}
    assert data["orders"][0]["contact_phone"] == "138****5678" and data["orders"][0]["contact_name"] == "王阿姨"
    assert PHONE not in path.read_text(encoding="utf-8")
    assert set(data) >= {"person", "sign_ups", "bookings", "orders", "ratings", "feedback", "points", "roles"}
