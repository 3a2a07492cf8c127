"""`linli qr course CODE --wechat`: a parametric 公众号 QR code whose scene opens the course (the menu
command is tested with the WeCom one in test_menu_cli.py)."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.cli import main
from bot.clock import utcnow
from bot.settings import get_settings
from tests.conftest import ROOT
from tests.fakes.wechat_api import FakeWechatApi
from tests.fakes.wechat_stack import APP_ID, SECRET, wechat_stack
from tests.support.catalog import add_course
from tests.support.workers import migrated_database


@pytest.fixture
async def wechat_cli(tmp_path, monkeypatch):
    """The fake 公众号 API and a database the `linli` commands use, named by the environment."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = migrated_database(url)
    add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=utcnow() + timedelta(days=2))
    async with FakeWechatApi(APP_ID, SECRET) as fake:
        for key, value in {"CONFIG": str(ROOT / "settings.toml"), "DATABASE__URL": url,
                           "WECHAT__APP_ID": APP_ID, "WECHAT__APP_SECRET": SECRET,
                           "WECHAT__API_BASE_URL": fake.base_url}.items():
            monkeypatch.setenv(f"LINLI_{key}", value)
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()
    db.dispose()


async def test_a_wechat_course_qr_carries_the_course_scene(wechat_cli, tmp_path):
    out = tmp_path / "poster.png"
    code = await asyncio.to_thread(main, ["qr", "course", "WH-SF-01", "--out", str(out), "--wechat"])
    assert code == 0 and out.read_bytes().startswith(b"\x89PNG")
    [made] = wechat_cli.qrcodes
    assert made["action_name"] == "QR_LIMIT_STR_SCENE"
    assert made["action_info"]["scene"]["scene_str"] == "course-WH-SF-01"
    assert await asyncio.to_thread(main, ["qr", "course", "NOPE", "--out", str(out), "--wechat"]) == 2


async def test_scanning_the_made_scene_opens_the_course(wechat_cli, dialogs, settings, tmp_path):
    await asyncio.to_thread(main, ["qr", "course", "WH-SF-01", "--out", str(tmp_path / "p.png"), "--wechat"])
    scene = wechat_cli.qrcodes[0]["action_info"]["scene"]["scene_str"]
    add_course(dialogs.db, "WH-SF-01", "零基础毛笔书法", teacher="林秀兰老师",
               first_start=dialogs.clock.now() + timedelta(days=2))
    async with wechat_stack(dialogs, settings) as stack:
        opened = (await stack.event(stack.callbacks.subscribe("oWx_poster_0000000000000001", scene))).reply
        assert "零基础毛笔书法" in opened and "讲师：林秀兰老师" in opened
