"""`linli wecom menu` publishes the WeCom application's custom menu through wechatpy's menu API."""
from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from bot.dialogs import ROUTERS
from bot.dialogs.router import Routes
from bot.handlers.wecom.menu import menu_keys, menu_spec
from bot.settings import get_settings
from tests.conftest import ROOT
from tests.fakes.wecom_api import FakeWecomApi
from tests.fakes.wecom_stack import AGENT_ID, CORP_ID, SECRET
from tests.support.workers import migrated_database



@pytest.fixture
async def wecom_cli(tmp_path, monkeypatch):
    """The fake WeCom API and a database the `linli` commands use, named by the environment."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = migrated_database(url)
    async with FakeWecomApi(CORP_ID, SECRET) as fake:
        for key, value in {"CONFIG": str(ROOT / "settings.toml"), "DATABASE__URL": url,
                           "WECOM__CORP_ID": CORP_ID, "WECOM__SECRET": SECRET, "WECOM__AGENT_ID": str(AGENT_ID),
                           "WECOM__API_BASE_URL": fake.base_url}.items():
            monkeypatch.setenv(f"LINLI_{key}", value)
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()
    db.dispose()


def test_every_menu_entry_is_a_word_the_dialogs_understand():
    keys = menu_keys(menu_spec())
    assert keys == ["主菜单", "我的报名", "服务菜单", "场馆预约", "意见反馈", "帮助"]
    routes = Routes(ROUTERS)
    assert all(routes.keyword_payload(key) for key in keys)


async def test_the_menu_command_publishes_the_menu(wecom_cli, capsys):
    assert await asyncio.to_thread(main, ["wecom", "menu"]) == 0
    menu = wecom_cli.menus[AGENT_ID]
    assert [b["name"] for b in menu["button"]] == ["主菜单", "我的报名", "更多"]
    assert "已更新企业微信应用菜单：主菜单 · 我的报名 · 更多（服务菜单/场馆预约/意见反馈/帮助）" in capsys.readouterr().out


async def test_a_refused_menu_is_reported(wecom_cli, capsys):
    wecom_cli.fail_next["menu/create"] = [60020]
    assert await asyncio.to_thread(main, ["wecom", "menu"]) == 1
    assert "60020" in capsys.readouterr().err


def test_without_wecom_settings_the_command_says_so(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrated_database(url).dispose()
    monkeypatch.setenv("LINLI_CONFIG", str(ROOT / "settings.toml"))
    monkeypatch.setenv("LINLI_DATABASE__URL", url)
    get_settings.cache_clear()
    try:
        assert main(["wecom", "menu"]) == 2
    finally:
        get_settings.cache_clear()
    assert "企业微信未配置" in capsys.readouterr().err
