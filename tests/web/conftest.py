"""Fixtures of the web chat tests: a small catalogue and an HTTP client on the real app."""
from __future__ import annotations

import itertools
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_service
from bot.clock import utcnow
from bot.dialogs.engine import Dialogs
from bot.handlers.web.server import start_web
from tests.conftest import START
from tests.support.catalog import add_course

_ids = itertools.count(1)


async def new_session(client: TestClient) -> None:
    """Forget the cookie and open the page again: a different resident."""
    client.session.cookie_jar.clear()
    await client.get("/")


def message_id() -> str:
    """A fresh id of the kind the page makes."""
    return f"test-message-{next(_ids):06d}"


@pytest.fixture
def web_catalogue(sqlite_db):
    """Two courses: calligraphy (culture) and taiji (sports)."""
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=2,
               first_start=START + timedelta(days=1, hours=1), teacher="林秀兰老师",
               venue="和平街道文化站", address="和平街道幸福路 88 号")
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳（24式）", category="太极", section="体育",
               first_start=START + timedelta(days=2), teacher="赵德胜老师")
    return sqlite_db


@pytest.fixture
async def web_client(dialogs, settings, web_catalogue):
    """A client with a cookie jar, talking to the web app over real HTTP."""
    client = TestClient(TestServer(build_service(settings, dialogs=dialogs).web_app))
    await client.start_server()
    await client.get("/")  # the page gives the session cookie, as in a browser
    yield client
    await client.close()


async def post_json(client: TestClient, path: str, body: dict) -> tuple[int, dict]:
    """POST a JSON body; the status and the JSON answer."""
    resp = await client.post(path, json=body)
    return resp.status, await resp.json()


async def say(client: TestClient, text: str, mid: str | None = None) -> dict:
    """Type text; the JSON answer (status 200 expected)."""
    status, data = await post_json(client, "/api/message", {"id": mid or message_id(), "text": text})
    assert status == 200, data
    return data


async def press(client: TestClient, payload: str, label: str = "") -> dict:
    """Press a choice; the JSON answer (status 200 expected)."""
    status, data = await post_json(client, "/api/message",
                                   {"id": message_id(), "payload": payload, "label": label})
    assert status == 200, data
    return data


def texts(data: dict) -> str:
    """All reply texts of an answer, one string."""
    return "\n".join(r["text"] for r in data["replies"])


def labels(data: dict) -> list[str]:
    """The choice labels of the last reply that has any."""
    for reply in reversed(data["replies"]):
        if reply["choices"]:
            return [label for label, _ in reply["choices"]]
    return []


def payload_of(data: dict, label_part: str) -> str:
    """The payload of the first choice whose label contains label_part."""
    for reply in data["replies"]:
        for label, payload in reply["choices"]:
            if label_part in label:
                return payload
    raise AssertionError(f"no choice with {label_part!r} in {data}")


# -- the page in a real (headless) Chromium on a phone -------------------------------------

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
