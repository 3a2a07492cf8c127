"""The web chat's HTTP API, as the page uses it."""
from __future__ import annotations

import asyncio
import hashlib
import re

from sqlmodel import select

from bot.settings import Web
from bot.handlers.web.chat_routes import WEBCHAT
from bot.app import build_service
from store.models import ChannelAccount, Enrolment
from tests.web.conftest import (labels, message_id, new_session, payload_of, post_json, press, say,
                               texts)


def session_token(client) -> str:
    cookies = client.session.cookie_jar.filter_cookies(client.make_url("/"))
    return cookies["linli_web"].value


async def test_first_visit_sets_a_private_cookie_and_greets_with_the_menu(web_client, sqlite_db):
    web_client.session.cookie_jar.clear()
    page = await web_client.get("/")
    assert page.status == 200
    assert "邻里文体服务" in await page.text()
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("linli_web=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test below
    again = await web_client.get("/")
    assert "Set-Cookie" not in again.headers  # the same session on the next visit

    status, data = await post_json(web_client, "/api/start", {"id": message_id()})
    assert status == 200
    assert "欢迎" in texts(data)
    assert labels(data)[:4] == ["服务菜单", "搜索", "我的报名", "帮助"]

    token = session_token(web_client)
    with sqlite_db.session() as s:
        account = s.exec(select(ChannelAccount).where(ChannelAccount.channel == "web")).one()
    assert account.external_id == hashlib.sha256(token.encode()).hexdigest()
    assert token not in account.external_id


async def test_a_message_without_the_session_cookie_is_refused_once(web_client, sqlite_db):
    web_client.session.cookie_jar.clear()
    resp = await web_client.post("/api/message", json={"id": message_id(), "text": "你好"})
    assert resp.status == 401
    assert (await resp.json()) == {"error": "页面已过期，请刷新页面后再试。"}
    assert "linli_web=" in resp.headers["Set-Cookie"]
    with sqlite_db.session() as s:
        assert s.exec(select(ChannelAccount)).all() == []  # nobody was created
    data = await say(web_client, "你好")  # the page sends again with its new cookie
    assert "欢迎" in texts(data)


async def test_cookie_is_secure_when_configured_or_behind_https(dialogs, settings):
    from aiohttp.test_utils import TestClient, TestServer

    class HttpsWeb(Web):
        cookie_secure: bool = True

    secure = settings.model_copy(update={"web": HttpsWeb()})
    async with TestClient(TestServer(build_service(secure, dialogs=dialogs).web_app)) as client:
        assert "Secure" in (await client.get("/")).headers["Set-Cookie"]

    class ProxiedWeb(Web):
        trust_forwarded: bool = True

    proxied = settings.model_copy(update={"web": ProxiedWeb()})
    async with TestClient(TestServer(build_service(proxied, dialogs=dialogs).web_app)) as client:
        resp = await client.get("/", headers={"X-Forwarded-Proto": "https"})
        assert "Secure" in resp.headers["Set-Cookie"]
        client.session.cookie_jar.clear()
        assert "Secure" not in (await client.get("/")).headers["Set-Cookie"]


async def test_typed_numbers_and_buttons_navigate_and_sign_up(web_client):
    await post_json(web_client, "/api/start", {"id": message_id()})
    sections = await say(web_client, "1")                       # 服务菜单, typed
    assert labels(sections)[:3] == ["文化", "体育", "艺术"]
    culture = await press(web_client, payload_of(sections, "文化"), "文化")
    assert "书法 · 1门课" in labels(culture)
    category = await press(web_client, payload_of(culture, "书法"))
    course = await press(web_client, payload_of(category, "零基础毛笔书法"))
    assert "讲师：林秀兰老师" in texts(course) and "还剩 2 个名额（共 2 个）" in texts(course)
    confirm = await say(web_client, "1")                        # 报名, typed
    assert "确认报名【零基础毛笔书法】" in texts(confirm)
    done = await press(web_client, payload_of(confirm, "确认报名"), "确认报名")
    assert "报名成功" in texts(done) and "和平街道幸福路 88 号" in texts(done)


async def test_history_keeps_the_conversation_for_a_reload(web_client):
    await post_json(web_client, "/api/start", {"id": message_id()})
    await say(web_client, "帮助")
    await press(web_client, "browse", "服务菜单")
    history = (await (await web_client.get("/api/history")).json())["messages"]
    assert [m["from"] for m in history] == ["bot", "me", "bot", "me", "bot"]
    assert history[1]["text"] == "帮助" and history[3]["text"] == "服务菜单"
    assert "回复选项前面的数字" in history[2]["text"]
    assert [label for label, _ in history[-1]["choices"]][:3] == ["文化", "体育", "艺术"]
    newer = await (await web_client.get(f"/api/history?after={history[-1]['id']}")).json()
    assert newer["messages"] == []


async def test_a_message_sent_twice_is_handled_once(web_client, sqlite_db):
    await post_json(web_client, "/api/start", {"id": message_id()})
    await press(web_client, "su:WH-SF-01")
    same = {"id": message_id(), "payload": "suy:WH-SF-01", "label": "确认报名"}
    first, second = await asyncio.gather(post_json(web_client, "/api/message", same),
                                         post_json(web_client, "/api/message", same))
    assert first[0] == second[0] == 200
    assert sorted([first[1]["duplicate"], second[1]["duplicate"]]) == [False, True]
    # The resent copy gets the first answer back (a phone that lost the answer), nothing more.
    assert "报名成功" in texts(first[1]) and "报名成功" in texts(second[1])
    with sqlite_db.session() as s:
        assert len(s.exec(select(Enrolment)).all()) == 1
    history = (await (await web_client.get("/api/history")).json())["messages"]
    assert sum("报名成功" in m["text"] for m in history) == 1
    assert sum(m["text"] == "确认报名" for m in history) == 1

    typed = message_id()
    await say(web_client, "主菜单")
    await say(web_client, "1", typed)
    again = await say(web_client, "1", typed)
    assert again["duplicate"] and "服务菜单，请选择类别" in texts(again)
    after = await say(web_client, "2")  # still on the sections screen: 2 is 体育
    assert "体育类" in texts(after)


async def test_too_long_text_is_refused_in_chinese(web_client, settings):
    limit = settings.dialogs.max_text_length
    too_long = {"id": message_id(), "text": "好" * (limit + 1)}
    status, data = await post_json(web_client, "/api/message", too_long)
    assert status == 413
    assert data["error"] == f"太长了，最多 {limit} 个字。"
    status, _ = await post_json(web_client, "/api/message", {"id": message_id(), "text": "好" * limit})
    assert status == 200
    huge = await web_client.post("/api/message", data=b'{"text": "' + b"a" * 20000 + b'"}',
                                 headers={"Content-Type": "application/json"})
    assert huge.status == 413 and (await huge.json())["error"] == "内容太长了，请简短一些。"


async def test_malformed_requests_get_a_clear_400(web_client):
    bad = await web_client.post("/api/message", data="{not json",
                                headers={"Content-Type": "application/json"})
    assert bad.status == 400
    assert bad.content_type == "application/json"
    assert (await bad.json()) == {"error": "消息格式不对，请刷新页面后再试。"}
    for body in ([1, 2], {"text": "你好"}, {"id": "短", "text": "你好"}, {"id": message_id(), "text": 5}):
        status, data = await post_json(web_client, "/api/message", body)
        assert status == 400 and data["error"] == "消息格式不对，请刷新页面后再试。", body
    status, data = await post_json(web_client, "/api/message", {"id": message_id(), "text": "   "})
    assert status == 400 and data["error"] == "请先输入内容再发送。"
    form = await web_client.post("/api/message", data={"text": "你好"})
    assert form.status == 415 and "消息格式不对" in (await form.json())["error"]


async def test_html_typed_by_a_resident_comes_back_as_plain_text(web_client):
    await post_json(web_client, "/api/start", {"id": message_id()})
    typed = '<b>粗</b><img src=x onerror="alert(1)">'
    resp = await web_client.post("/api/message", json={"id": message_id(), "text": typed})
    assert resp.content_type == "application/json"
    data = await resp.json()
    assert "“<b>粗</b>" in texts(data)  # quoted back by the search, as data, for textContent
    history = (await (await web_client.get("/api/history")).json())["messages"]
    assert history[1] == {"id": history[1]["id"], "from": "me", "text": typed, "choices": []}


async def test_unknown_or_forged_choices_are_answered_clearly(web_client):
    await post_json(web_client, "/api/start", {"id": message_id()})
    unknown = await press(web_client, "zzz:1")
    assert "这个选项已经失效了" in texts(unknown) and "服务菜单" in labels(unknown)
    missing = await press(web_client, "crs:NO-SUCH")
    assert "没有找到这门课程" in texts(missing)
    for payload in ("crs:" + "A" * 80, 123, "", "menu\x00"):
        status, data = await post_json(web_client, "/api/message", {"id": message_id(), "payload": payload})
        assert status == 400 and data["error"] == "这个按钮认不出来了，请刷新页面后重新选择。", payload


async def test_deep_link_opens_the_course(web_client):
    status, data = await post_json(web_client, "/api/start", {"id": message_id(), "start": "course-WH-SF-01"})
    assert status == 200
    assert "【零基础毛笔书法】" in texts(data) and "报名" in labels(data)
    direct = await press(web_client, "crs:TY-TJ-01")
    assert "【杨式太极拳（24式）】" in texts(direct)


async def test_bad_deep_links_just_greet(web_client):
    for start in ("course-<script>", "course-" + "A" * 41, "course-WH SF", "other-WH-SF-01", 7):
        await new_session(web_client)
        status, data = await post_json(web_client, "/api/start", {"id": message_id(), "start": start})
        assert status == 200 and "欢迎" in texts(data), start


async def test_failures_answer_with_a_sentence_not_a_traceback(web_client, monkeypatch):
    chat = web_client.server.app[WEBCHAT]

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(chat, "_exchange", broken)
    status, data = await post_json(web_client, "/api/message", {"id": message_id(), "text": "你好"})
    assert status == 500 and data == {"error": "系统繁忙，请稍后再试。"}


async def test_static_files_are_local_and_nothing_else_is_served(web_client):
    js = await web_client.get("/static/app.js")
    assert js.status == 200 and js.headers["Content-Type"].startswith("text/javascript")
    assert "textContent" in await js.text() and "innerHTML" not in await js.text()
    css = await web_client.get("/static/style.css")
    assert css.status == 200 and "min-height: 52px" in await css.text()
    for path in ("/static/nope.js", "/static/..%2Fchat_routes.py", "/static/__init__.py"):
        assert (await web_client.get(path)).status == 404, path
    page = await (await web_client.get("/")).text()
    for text in (page, await js.text(), await css.text()):
        assert not re.search(r"https?://|[\"'(=]\s*//", text)  # nothing fetched from elsewhere
    health = await web_client.get("/healthz")
    assert health.status == 200 and (await health.json())["database"] == "ok"
