"""Pushes owed to web residents wait in their page's history until the next visit."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot.messages import Choice, Reply
from bot.handlers.web.session import account_key
from scheduler.senders import UNREACHABLE, SendError
from bot.handlers.web.sender import WebSender
from store.models import WebInboxMessage
from store.people import get_or_create_account
from store.web_inbox import add_push, answers_to, fetch_history, load_payload, prune, record_turn
from tests.web.conftest import message_id, post_json


def unfetched_count(session, account_id: int) -> int:
    """Pushes the page has not shown yet."""
    return len(session.exec(select(WebInboxMessage).where(
        WebInboxMessage.account_id == account_id, WebInboxMessage.kind == "push",
        WebInboxMessage.fetched_at.is_(None))).all())


async def history(client, after: int = 0) -> list[dict]:
    return (await (await client.get(f"/api/history?after={after}")).json())["messages"]


async def test_a_push_shows_in_history_once_and_is_marked_fetched(web_client, sqlite_db):
    await post_json(web_client, "/api/start", {"id": message_id()})
    cookies = web_client.session.cookie_jar.filter_cookies(web_client.make_url("/"))
    key = account_key(cookies["linli_web"].value)
    sender = WebSender(sqlite_db)
    assert sender.channel == "web"
    await sender.send(key, Reply("提醒：明天 09:00 零基础毛笔书法", (Choice("我的报名", "my"),)))

    with sqlite_db.session() as s:
        row = s.exec(select(WebInboxMessage).where(WebInboxMessage.kind == "push")).one()
        assert row.fetched_at is None
        assert unfetched_count(s, row.account_id) == 1

    first = await history(web_client)
    pushes = [m for m in first if m.get("push")]
    assert len(pushes) == 1
    assert pushes[0]["text"].startswith("提醒：明天") and pushes[0]["choices"] == [["我的报名", "my"]]
    with sqlite_db.session() as s:
        row = s.get(WebInboxMessage, row.id)
        assert row.fetched_at is not None
        assert unfetched_count(s, row.account_id) == 0

    # A reload shows the conversation again with the push in its place, once; polling sees nothing new.
    again = await history(web_client)
    assert [m["id"] for m in again] == [m["id"] for m in first]
    assert await history(web_client, after=first[-1]["id"]) == []


async def test_a_push_to_an_unknown_session_is_unreachable(db):
    with pytest.raises(SendError) as caught:
        await WebSender(db).send(account_key("x" * 43), Reply("通知"))
    assert caught.value.kind == UNREACHABLE


async def test_web_sender_stores_the_whole_reply(db):
    with db.session() as s:
        account, _ = get_or_create_account(s, "web", "k" * 64)
    await WebSender(db).send("k" * 64, Reply("换教室了", (Choice("我的报名", "my"),),
                                             picture="https://example.cn/map.png"))
    with db.session() as s:
        rows = fetch_history(s, account.id)
        assert [(r.kind, r.fetched_at is not None) for r in rows] == [("push", True)]
        assert load_payload(rows[0]) == {"text": "换教室了", "choices": [["我的报名", "my"]],
                                         "picture": "https://example.cn/map.png"}
        assert fetch_history(s, account.id, after_id=rows[0].id) == []


def test_turns_answers_and_pruning(db):
    with db.session() as s:
        account, _ = get_or_create_account(s, "web", "k" * 64)
        add_push(s, account.id, {"text": "还没看的通知", "choices": []})
        for n in range(6):
            record_turn(s, account.id, f"m{n}", f"第{n}句", [{"text": f"回答{n}", "choices": []}])
        record_turn(s, account.id, "quiet", None, [{"text": "欢迎", "choices": []}])
        assert [load_payload(r)["text"] for r in answers_to(s, account.id, "m5")] == ["回答5"]
        assert prune(s, account.id, keep=4) > 0
        assert unfetched_count(s, account.id) == 1
        rows = fetch_history(s, account.id, limit=100)
        assert [r.kind for r in rows] == ["push", "reply", "said", "reply", "reply"]
        assert unfetched_count(s, account.id) == 0
