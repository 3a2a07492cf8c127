"""A resident on a phone signs up for a course in the web chat, in a real (headless) Chromium."""
from __future__ import annotations

import os
import shutil

from tests.web.conftest import ROOT, choice


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
