"""Web chat sessions are issued by the server: made-up tokens are refused and replaced, the cookie is
__Host- on https, and linking accounts gives the browser a new token without losing the conversation."""
from __future__ import annotations

import re
from datetime import timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from bot.app import build_service
from bot.dialogs.pushes.housekeeping import run_housekeeping
from bot.handlers.console import ConsoleChat
from bot.handlers.web.session import SECURE_COOKIE, account_key, new_token
from bot.settings import Web
from store import migrate
from store.db import Database
from store.models import ChannelAccount, Resident, WebSession
from store.web_sessions import rotate
from tests.conftest import START
from tests.web.conftest import message_id, post_json, say, texts

MADE_UP = "A" * 43


def set_cookie(response, name: str = "linli_web") -> str | None:
    """The token a response gives under name, if any."""
    cookie = response.cookies.get(name)
    return cookie.value if cookie is not None and cookie.value else None


@pytest.fixture
async def browser(dialogs, settings, web_catalogue):
    """A client that sends exactly the cookies a test names (no jar)."""
    client = TestClient(TestServer(build_service(settings, dialogs=dialogs).web_app),
                        cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    yield client
    await client.close()


async def opened(client, cookies: dict[str, str] | None = None, **headers) -> str:
    """Open the page; the token it issued."""
    page = await client.get("/", headers={**headers, **_cookie_header(cookies)})
    assert page.status == 200
    return next(v.value for v in page.cookies.values() if v.value)


def _cookie_header(cookies: dict[str, str] | None) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


async def talk(client, token: str, text: str, name: str = "linli_web"):
    return await client.post("/api/message", json={"id": message_id(), "text": text},
                             headers=_cookie_header({name: token}))


async def history(client, token: str, name: str = "linli_web"):
    return await client.get("/api/history", headers=_cookie_header({name: token}))


def web_accounts(db) -> set[str]:
    with db.session() as s:
        return set(s.exec(select(ChannelAccount.external_id).where(ChannelAccount.channel == "web")))


async def test_a_made_up_token_is_refused_replaced_and_creates_nobody(browser, sqlite_db):
    resp = await talk(browser, MADE_UP, "你好")
    assert resp.status == 401
    fresh = set_cookie(resp)
    assert fresh and fresh != MADE_UP
    assert web_accounts(sqlite_db) == set()
    answer = await talk(browser, fresh, "你好")  # the page sends again with what it was given
    assert answer.status == 200 and "欢迎" in texts(await answer.json())
    assert web_accounts(sqlite_db) == {account_key(fresh)}


async def test_the_page_replaces_a_made_up_cookie(browser):
    issued = await opened(browser, {"linli_web": MADE_UP})
    assert issued != MADE_UP
    again = await browser.get("/", headers=_cookie_header({"linli_web": issued}))
    assert set_cookie(again) is None  # an issued token is kept


async def test_a_forged_token_reads_no_one_elses_history(browser, sqlite_db):
    mine = await opened(browser)
    assert (await talk(browser, mine, "书法")).status == 200
    assert len((await (await history(browser, mine)).json())["messages"]) >= 2
    # Neither a token made up, nor the account's stored hash presented as a token, reads it.
    for forged in (MADE_UP, account_key(mine), new_token()):
        resp = await history(browser, forged)
        assert resp.status == 401, forged
        assert set_cookie(resp) is None  # a history poll never swaps the browser's cookie
        turn = await talk(browser, forged, "我的报名")
        assert turn.status == 401 and "书法" not in await turn.text()
    assert web_accounts(sqlite_db) == {account_key(mine)}


async def test_without_any_cookie_the_history_is_empty_and_a_session_is_issued(browser):
    resp = await browser.get("/api/history")
    assert resp.status == 200 and (await resp.json()) == {"messages": []}
    token = set_cookie(resp)
    assert (await talk(browser, token, "你好")).status == 200


class HttpsWeb(Web):
    cookie_secure: bool = True


class ProxiedWeb(Web):
    trust_forwarded: bool = True


@pytest.mark.parametrize(("web", "headers"), [(HttpsWeb(), {}), (ProxiedWeb(), {"X-Forwarded-Proto": "https"})])
async def test_over_https_the_cookie_has_the_host_prefix(dialogs, settings, web, headers):
    app = build_service(settings.model_copy(update={"web": web}), dialogs=dialogs).web_app
    async with TestClient(TestServer(app), cookie_jar=aiohttp.DummyCookieJar()) as client:
        page = await client.get("/", headers=headers)
        cookie = page.headers["Set-Cookie"]
        assert cookie.startswith(f"{SECURE_COOKIE}=")
        assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
        token = page.cookies[SECURE_COOKIE].value
        resp = await client.post("/api/message", json={"id": message_id(), "text": "你好"},
                                 headers={**headers, "Cookie": f"{SECURE_COOKIE}={token}"})
        assert resp.status == 200 and "Set-Cookie" not in resp.headers


async def test_an_http_era_cookie_on_https_moves_to_a_new_host_cookie_with_the_conversation(
        dialogs, settings, browser, sqlite_db):
    old = await opened(browser)
    await talk(browser, old, "书法")
    app = build_service(settings.model_copy(update={"web": ProxiedWeb()}), dialogs=dialogs).web_app
    https = {"X-Forwarded-Proto": "https"}
    async with TestClient(TestServer(app), cookie_jar=aiohttp.DummyCookieJar()) as client:
        resp = await client.get("/api/history", headers={**https, "Cookie": f"linli_web={old}"})
        assert resp.status == 200
        new = set_cookie(resp, SECURE_COOKIE)
        assert new and new != old
        assert resp.cookies["linli_web"]["max-age"] == "0"  # the plain cookie is dropped
        said = [m["text"] for m in (await resp.json())["messages"] if m["from"] == "me"]
        assert said == ["书法"]
        # The plain cookie, which a sibling site could have planted, no longer opens anything.
        assert (await client.get("/api/history", headers={**https, "Cookie": f"linli_web={old}"})).status == 401
    assert web_accounts(sqlite_db) == {account_key(new)}


def link_code(text: str) -> str:
    return re.search(r"(\d{6})", text).group(1)


async def test_linking_from_the_web_rotates_the_token_and_keeps_the_conversation(browser, dialogs, sqlite_db):
    token = await opened(browser)
    signed = await talk(browser, token, "书法")
    assert signed.status == 200
    console = ConsoleChat(dialogs, "tg-1001")
    console.say("/start")
    code = link_code(console.say("绑定"))
    linked = await talk(browser, token, f"绑定 {code}")
    assert linked.status == 200 and "绑定成功" in texts(await linked.json())
    new = set_cookie(linked)
    assert new and new != token
    assert (await history(browser, token)).status == 401  # the old token is gone for good
    assert (await talk(browser, token, "我的报名")).status == 401
    messages = (await (await history(browser, new)).json())["messages"]
    assert [m["text"] for m in messages if m["from"] == "me"] == ["书法", f"绑定 {code}"]
    with sqlite_db.session() as s:
        (account,) = s.exec(select(ChannelAccount).where(ChannelAccount.channel == "web")).all()
        assert account.external_id == account_key(new)
        assert s.exec(select(Resident)).all() == [s.get(Resident, account.resident_id)]


async def test_linking_from_another_app_rotates_the_web_token_on_its_next_call(browser, dialogs):
    token = await opened(browser)
    await talk(browser, token, "你好")
    shown = await talk(browser, token, "绑定")
    code = link_code(texts(await shown.json()))
    console = ConsoleChat(dialogs, "tg-2002")
    console.say("/start")
    assert "绑定成功" in console.say(f"绑定 {code}")
    resp = await history(browser, token)
    assert resp.status == 200
    new = set_cookie(resp)
    assert new and new != token
    assert (await history(browser, token)).status == 401
    assert (await talk(browser, new, "你好")).status == 200


async def test_a_session_rotated_by_two_requests_at_once_goes_to_one_of_them(db):
    old = account_key(new_token())
    with db.session() as s:
        s.add(WebSession(token_hash=old, issued_at=START, rotate=True))
    with db.session() as s:
        assert rotate(s, old, account_key(new_token()), START)
    with db.session() as s:
        assert not rotate(s, old, account_key(new_token()), START)


async def test_housekeeping_forgets_pages_never_talked_to(browser, dialogs, settings, sqlite_db):
    idle = await opened(browser)
    talking = await opened(browser)
    await talk(browser, talking, "你好")
    assert run_housekeeping(sqlite_db, settings, START + timedelta(hours=2))["web_sessions_pruned"] == 0
    assert run_housekeeping(sqlite_db, settings, START + timedelta(days=2))["web_sessions_pruned"] == 1
    assert (await talk(browser, talking, "你好")).status == 200
    assert (await talk(browser, idle, "你好")).status == 401


def test_the_upgrade_keeps_the_sessions_of_residents_already_on_the_web(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(db, "0001")
    token = new_token()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO resident (id, display_name, reminders_on, created_at) "
                             "VALUES (1, '', 1, '2026-11-01 00:00:00')")
        conn.exec_driver_sql("INSERT INTO channel_account (channel, external_id, resident_id, unreachable, "
                             "created_at, last_seen_at) VALUES ('web', ?, 1, 0, '2026-11-01 00:00:00', "
                             "'2026-11-01 00:00:00'), ('telegram', '1001', 1, 0, '2026-11-01 00:00:00', "
                             "'2026-11-01 00:00:00')", (account_key(token),))
    migrate.upgrade(db)
    with db.session() as s:
        assert [row.token_hash for row in s.exec(select(WebSession))] == [account_key(token)]
    db.dispose()
