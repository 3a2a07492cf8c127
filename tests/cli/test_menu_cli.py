"""`linli wecom menu` and `linli wechat menu` publish the channel's custom menu through wechatpy's
menu API: every entry a word the dialogs understand, a refusal reported, no settings said so."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.cli import main
from bot.dialogs import ROUTERS
from bot.dialogs.router import Routes
from bot.handlers.wechat import menu as wechat_menu
from bot.handlers.wecom import menu as wecom_menu
from bot.settings import get_settings
from tests.conftest import ROOT
from tests.fakes import wechat_stack, wecom_stack
from tests.fakes.wechat_api import FakeWechatApi
from tests.fakes.wecom_api import FakeWecomApi
from tests.support.workers import migrated_database


@dataclass(frozen=True)
class Channel:
    """What differs between the two channels' menu commands."""

    name: str
    menu: Any                                  # the channel's menu module: menu_spec, menu_keys
    keys: list[str]                            # every entry's key, in order
    fake: Callable[[], Any]                    # the fake platform API
    settings: Callable[[Any], dict[str, str]]  # SECTION__KEY settings pointing at the fake
    published: Callable[[Any], dict]           # the menu the fake holds
    top: list[str]                             # the buttons of the menu bar
    said: str                                  # what the command prints
    refusal: tuple[str, int]                   # the fake's path and the error code it answers


WECOM = Channel(
    "wecom", wecom_menu, ["主菜单", "我的报名", "服务菜单", "场馆预约", "意见反馈", "帮助"],
    lambda: FakeWecomApi(wecom_stack.CORP_ID, wecom_stack.SECRET),
    lambda fake: {"WECOM__CORP_ID": wecom_stack.CORP_ID, "WECOM__SECRET": wecom_stack.SECRET,
                  "WECOM__AGENT_ID": str(wecom_stack.AGENT_ID), "WECOM__API_BASE_URL": fake.base_url},
    lambda fake: fake.menus[wecom_stack.AGENT_ID],
    ["主菜单", "我的报名", "更多"],
    "已更新企业微信应用菜单：主菜单 · 我的报名 · 更多（服务菜单/场馆预约/意见反馈/帮助）",
    ("menu/create", 60020))
WECHAT = Channel(
    "wechat", wechat_menu, ["服务菜单", "我的报名", "场馆预约", "意见反馈", "帮助"],
    lambda: FakeWechatApi(wechat_stack.APP_ID, wechat_stack.SECRET),
    lambda fake: {"WECHAT__APP_ID": wechat_stack.APP_ID, "WECHAT__APP_SECRET": wechat_stack.SECRET,
                  "WECHAT__API_BASE_URL": fake.base_url},
    lambda fake: fake.menus[-1],
    ["服务菜单", "我的报名", "更多"],
    "已更新公众号菜单：服务菜单 · 我的报名 · 更多（场馆预约/意见反馈/帮助/网页版）",
    ("menu/create", 40017))
CHANNELS = [pytest.param(WECOM, id="wecom"), pytest.param(WECHAT, id="wechat")]


def use_database(tmp_path, monkeypatch, **settings: str) -> str:
    """A migrated database, and the environment the commands read settings from; its URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrated_database(url).dispose()
    for key, value in {"CONFIG": str(ROOT / "settings.toml"), "DATABASE__URL": url, **settings}.items():
        monkeypatch.setenv(f"LINLI_{key}", value)
    get_settings.cache_clear()
    return url


@pytest.fixture(params=CHANNELS)
async def menu_cli(request, tmp_path, monkeypatch):
    """One channel's fake API, and the settings of the `linli` commands pointing at it."""
    channel = request.param
    async with channel.fake() as fake:
        use_database(tmp_path, monkeypatch, **channel.settings(fake))
        yield channel, fake
    get_settings.cache_clear()


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_menu_entry_is_a_word_the_dialogs_understand(channel):
    keys = channel.menu.menu_keys(channel.menu.menu_spec())
    assert keys == channel.keys
    routes = Routes(ROUTERS)  # the words every feature declares
    assert all(routes.keyword_payload(key) for key in keys)


async def test_the_menu_command_publishes_the_menu(menu_cli, capsys):
    channel, fake = menu_cli
    assert await asyncio.to_thread(main, [channel.name, "menu"]) == 0
    menu = channel.published(fake)
    assert [b["name"] for b in menu["button"]] == channel.top
    assert channel.said in capsys.readouterr().out
    if channel is WECHAT:  # 更多 → 网页版 opens the web page signed in as the follower (?from=wechat)
        page = menu["button"][2]["sub_button"][-1]
        assert page["type"] == "view" and page["url"].endswith("/?from=wechat")


async def test_a_refused_menu_is_reported(menu_cli, capsys):
    channel, fake = menu_cli
    path, code = channel.refusal
    fake.fail_next[path] = [code]
    assert await asyncio.to_thread(main, [channel.name, "menu"]) == 1
    assert str(code) in capsys.readouterr().err


@pytest.mark.parametrize("channel,said", [pytest.param(WECOM, "企业微信未配置", id="wecom"),
                                          pytest.param(WECHAT, "公众号未配置", id="wechat")])
def test_without_the_channels_settings_the_command_says_so(channel, said, tmp_path, monkeypatch, capsys):
    use_database(tmp_path, monkeypatch)
    try:
        assert main([channel.name, "menu"]) == 2
    finally:
        get_settings.cache_clear()
    assert said in capsys.readouterr().err
