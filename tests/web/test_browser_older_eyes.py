"""The web page for older eyes, in a real (headless) Chromium on a phone: earlier buttons stay in
sight, 大字模式 is remembered, 朗读 reads a message where there is a Chinese voice, a refused
message says why, the input stops at the limit, and the bottom bar never scrolls away."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.web.conftest import PHONE, ROOT, choice

ENGLISH_ONLY = "[{lang: 'en-US', name: 'English', default: true, localService: true, voiceURI: 'en'}]"
WITH_CHINESE = ENGLISH_ONLY[:-1] + ", {lang: 'zh-CN', name: '普通话', default: false, localService: true, voiceURI: 'zh'}]"


def fake_voices(voices: str) -> str:
    """A script that gives the page a speech synthesis with these voices, recording what it says."""
    return ("(() => { window.spoken = []; const speech = {"
            f" getVoices: () => {voices},"
            " speak: (u) => window.spoken.push({text: u.text, lang: u.lang}),"
            " cancel: () => {}, addEventListener: () => {}, speaking: false };"
            " Object.defineProperty(window, 'speechSynthesis', {value: speech, configurable: true}); })();")


def save_screenshot(shot, name: str) -> None:
    """Keep a screenshot for the README when asked (LINLI_SAVE_SCREENSHOT=1)."""
    assert shot.stat().st_size > 10_000
    if os.environ.get("LINLI_SAVE_SCREENSHOT") == "1":
        target = ROOT / "docs" / "screenshots" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


async def test_earlier_messages_keep_their_buttons_but_only_the_newest_work(server, phone):
    from playwright.async_api import expect

    page = phone
    await page.goto(server.url + "/")
    await expect(choice(page, "服务菜单")).to_be_enabled()
    await choice(page, "服务菜单").click()
    await expect(choice(page, "文化")).to_be_enabled()
    await choice(page, "文化").click()
    await expect(page.locator(".row.bot").last).to_contain_text("书法")

    async def buttons_by_message():
        return await page.eval_on_selector_all(
            ".row.bot", "rows => rows.map(r => Array.from(r.querySelectorAll('.choice'))"
                        ".map(b => [b.textContent, b.disabled, b.getBoundingClientRect().height > 0]))")

    for attempt in ("after pressing", "after a reload"):
        greeting, menu, culture = (await buttons_by_message())[-3:]
        assert ["1. 服务菜单", True, True] in greeting, attempt   # still shown, inactive
        assert any(label.endswith("文化") and off for label, off, _ in menu), attempt
        assert culture and not any(off for _, off, _ in culture), attempt
        await page.reload()
        await expect(page.locator(".choices:not(.old) .choice").first).to_be_enabled()

    # An inactive button does nothing when pressed.
    before = await page.locator(".row").count()
    await page.locator(".choices.old .choice").first.click(force=True)
    assert await page.locator(".row").count() == before


async def test_large_text_is_one_switch_and_stays_on(server, phone, tmp_path):
    from playwright.async_api import expect

    page = phone
    await page.add_init_script(fake_voices(WITH_CHINESE))  # as on most phones: 朗读 shows
    await page.goto(server.url + "/")
    await expect(choice(page, "服务菜单")).to_be_visible()

    def font_size(selector: str):
        return page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)")

    normal = await font_size(".row.bot .bubble")
    await page.click("#large")
    await expect(page.locator("#large")).to_have_attribute("aria-pressed", "true")
    assert await font_size(".row.bot .bubble") >= 24 > normal
    assert await font_size(".choice") >= 24

    await page.reload()  # remembered on this phone
    await expect(page.locator("#large")).to_have_attribute("aria-pressed", "true")
    await choice(page, "服务菜单").click()
    await expect(page.locator(".row.bot").last).to_contain_text("请选择")
    assert await font_size(".row.bot .bubble") >= 24
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot = tmp_path / "webchat-large.png"
    await page.screenshot(path=str(shot))
    save_screenshot(shot, "webchat-large.png")

    await page.click("#large")
    await page.reload()
    await expect(page.locator("#large")).to_have_attribute("aria-pressed", "false")
    assert await font_size(".row.bot .bubble") == normal


async def test_read_aloud_is_hidden_without_a_chinese_voice(server, phone):
    from playwright.async_api import expect

    page = phone
    await page.add_init_script(fake_voices(ENGLISH_ONLY))
    await page.goto(server.url + "/")
    await expect(choice(page, "服务菜单")).to_be_visible()
    assert await page.locator(".row.bot .speak").count() >= 1
    await expect(page.locator(".row.bot .speak").first).to_be_hidden()


async def test_read_aloud_reads_the_message_and_its_choices_in_chinese(server, phone):
    from playwright.async_api import expect

    page = phone
    await page.add_init_script(fake_voices(WITH_CHINESE))
    await page.goto(server.url + "/")
    read = page.locator(".row.bot .speak").first
    await expect(read).to_be_visible()
    await expect(read).to_have_text("朗读")
    await read.click()
    [said] = await page.evaluate("window.spoken")
    assert said["lang"] == "zh-CN" and "欢迎" in said["text"] and "1，服务菜单" in said["text"]


async def test_a_refused_message_says_why_and_the_input_stops_at_the_limit(server, phone, settings):
    from playwright.async_api import expect

    limit = settings.dialogs.max_text_length
    page = phone
    await page.goto(server.url + "/")
    await expect(choice(page, "服务菜单")).to_be_visible()
    assert await page.get_attribute("#box", "maxlength") == str(limit)
    await page.fill("#box", "好" * (limit + 50))
    assert await page.input_value("#box") == "好" * limit
    await expect(page.locator("#limit")).to_have_text(f"最多 {limit} 个字")

    # Past the page (an old page, a pasted script): the server refuses and the page says why.
    await page.evaluate("document.getElementById('box').removeAttribute('maxlength')")
    await page.fill("#box", "好" * (limit + 1))
    await page.click("#send")
    refused = page.locator(".row.me.failed").last
    await expect(refused).to_contain_text(f"太长了，最多 {limit} 个字")
    assert "没有发出去" not in await refused.inner_text()


async def test_the_bottom_bar_never_scrolls_away_and_sends_its_words(server, phone):
    from playwright.async_api import expect

    page = phone
    await page.goto(server.url + "/")
    await expect(choice(page, "服务菜单")).to_be_visible()
    for word in ("我的报名", "帮助", "主菜单", "帮助", "主菜单"):  # enough to scroll a phone screen
        count = await page.locator(".row.me").count()
        await page.locator("#bar button", has_text=word).click()
        await expect(page.locator(".row.me")).to_have_count(count + 1)
        await expect(page.locator(".row.me").last).to_have_text(word)
        await expect(page.locator(".typing")).to_have_count(0)
    await expect(page.locator(".row.bot").last).to_contain_text("服务菜单")
    assert await page.evaluate("document.getElementById('chat').scrollHeight > innerHeight")

    await page.evaluate("document.getElementById('chat').scrollTop = 0")  # scrolled back to the start
    for word in ("主菜单", "我的报名", "帮助"):
        box = await page.locator("#bar button", has_text=word).bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (word, box)
        assert box["height"] >= 44
    assert await page.evaluate("window.scrollY") == 0
