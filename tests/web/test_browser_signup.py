"""A resident on a phone signs up for a course in the web chat, in a real (headless) Chromium."""
from __future__ import annotations

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import utcnow
from bot.dialogs.engine import Dialogs
from bot.app import build_service
from bot.handlers.web.server import start_web
from tests.support.catalog import add_course

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}


def _missing(reason: str) -> None:
    # CI must run this test; a laptop without a browser just skips it.
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser test cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def demo_db(sqlite_db):
    """A small demo-like catalogue with sessions starting in the coming days."""
    soon = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=20,
               first_start=soon, teacher="林秀兰老师", venue="和平街道文化站",
               address="和平街道建设路 16 号", description="从握笔开始，每次课后有作业点评。")
    add_course(sqlite_db, "WH-SF-02", "硬笔书法提高班", category="书法", first_start=soon + timedelta(days=1))
    add_course(sqlite_db, "WH-GH-01", "国画山水入门", category="国画", first_start=soon)
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳（24式）", category="太极", section="体育",
               first_start=soon, teacher="赵德胜老师")
    add_course(sqlite_db, "YS-HC-01", "社区合唱团", category="合唱", section="艺术", first_start=soon)
    return sqlite_db


@pytest.fixture
async def server(demo_db, settings):
    """The real web app on 127.0.0.1, a free port."""
    app = build_service(settings, dialogs=Dialogs(demo_db, settings)).web_app
    running = await start_web(app, "127.0.0.1", 0, access_log=False)
    yield running
    await running.stop()


@pytest.fixture
async def phone(tmp_path):
    """A fresh headless Chromium with a phone-sized page."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _missing("playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        _missing("Debian chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
            headless=True, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
            locale="zh-CN")
        context.set_default_timeout(15000)
        try:
            yield context.pages[0] if context.pages else await context.new_page()
        finally:
            await context.close()


def choice(page, label: str):
    """The button of the current screen whose label is exactly label ("3. 报名")."""
    return page.locator(".choice").filter(has_text=re.compile(rf"^\d+\. {re.escape(label)}$"))


async def test_sign_up_by_pressing_buttons(server, phone, tmp_path):
    from playwright.async_api import expect

    page = phone
    await page.goto(server.url + "/")
    await expect(page.locator(".row.bot").first).to_contain_text("欢迎")
    await expect(page.locator(".choice").first).to_have_text("1. 服务菜单")

    for label in ("服务菜单", "文化", "书法 · 2门课", "零基础毛笔书法"):
        await choice(page, label).click()
    await expect(page.locator(".row.bot").last).to_contain_text("讲师：林秀兰老师")
    await choice(page, "报名").click()
    await expect(page.locator(".row.bot").last).to_contain_text("确认报名【零基础毛笔书法】")
    await choice(page, "确认报名").click()
    await expect(page.locator(".row.bot").last).to_contain_text("报名成功")
    await expect(page.locator(".row.me").last).to_have_text("确认报名")

    sizes = await page.eval_on_selector_all(
        ".choice, #send, #box",
        "els => els.map(e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).fontSize)])")
    assert sizes and all(height >= 44 and font >= 18 for height, font in sizes), sizes

    shot = tmp_path / "webchat.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("LINLI_SAVE_SCREENSHOT") == "1":
        target = ROOT / "docs" / "screenshots" / "webchat.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)

    # A reload shows the same conversation, from the server's history.
    await page.reload()
    await expect(page.locator(".row.bot").last).to_contain_text("报名成功")


async def test_typed_html_stays_text_and_the_page_fits_a_small_phone(server, phone):
    from playwright.async_api import expect

    page = phone
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.goto(server.url + "/")
    await expect(page.locator(".choice").first).to_be_visible()
    typed = '<b>粗</b><img src=x onerror="window.hacked=1">'
    await page.fill("#box", typed)
    await page.click("#send")
    await expect(page.locator(".row.bot").last).to_contain_text("没找到")
    await expect(page.locator(".row.me").last).to_have_text(typed)
    assert await page.locator("#chat b, #chat img").count() == 0
    assert await page.evaluate("window.hacked === undefined")

    await page.fill("#box", "1")
    await page.press("#box", "Enter")
    await expect(page.locator(".row.bot").last).to_contain_text("服务菜单，请选择类别")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360


async def test_course_link_opens_the_course(server, phone):
    from playwright.async_api import expect

    page = phone
    await page.goto(server.url + "/?start=course-TY-TJ-01")
    await expect(page.locator(".row.bot").last).to_contain_text("【杨式太极拳（24式）】")
    await expect(choice(page, "报名")).to_be_visible()
    assert page.url == server.url + "/"  # a reload will not open the course again
