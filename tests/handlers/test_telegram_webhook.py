"""Telegram updates POSTed to our webhook route: the secret, malformed bodies, routing, lost replies."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr
from sqlmodel import func, select

from bot.handlers.telegram.adapter import ALLOWED_UPDATES, build_application
from bot.handlers.telegram.webhook import SECRET_HEADER, TelegramWebhook
from bot.handlers.telegram.channel import build_telegram
from bot.handlers.web.server import start_web
from bot.cli.webhook import run_webhook_command
from bot.app import build_worker
from bot.handlers.telegram.sender import TelegramSender
from store.models import ChannelAccount, OutboxMessage, ProcessedUpdate
from tests.conftest import START
from tests.fakes.telegram_api import FakeBotApi
from tests.support.catalog import add_course
from tests.support.waiting import updates_handled

SECRET = "s3cret-Token_for-tests"
WANG, LI = 7001, 7002


def hook_settings(settings, api: FakeBotApi, secret: str = SECRET):
    """Shipped settings in webhook mode against the fake server, without per-chat pacing."""
    tg = settings.telegram.model_copy(update={
        "token": SecretStr(api.token), "base_url": api.base_url, "base_file_url": api.base_file_url,
        "mode": "webhook", "webhook_secret": SecretStr(secret),
        "rate_per_chat_per_second": 1000.0, "rate_per_group_per_minute": 60000.0})
    return settings.model_copy(update={"telegram": tg})


@pytest.fixture
async def hook(api, dialogs, settings, sqlite_db):
    """A running Application behind the webhook route; yields (base URL, settings, hook)."""
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", capacity=1, first_start=START + timedelta(days=1))
    conf = hook_settings(settings, api)
    tg = build_application(dialogs, conf)
    app = web.Application()
    intake = TelegramWebhook(tg, conf)
    intake.setup(app)
    await tg.initialize()
    await tg.start()
    running = await start_web(app, "127.0.0.1", 0, access_log=False)
    yield f"{running.url}{conf.telegram.webhook_path}", conf, intake, tg
    await running.stop()
    await tg.stop()
    await tg.shutdown()


async def post(url: str, body: bytes | str, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=body, headers=headers) as response:
            return response.status


async def post_update(url: str, update: dict, secret: str | None = SECRET) -> int:
    return await post(url, json.dumps(update, ensure_ascii=False), secret)


def processed(db) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(ProcessedUpdate)).one()


async def test_an_update_is_answered_through_the_webhook(api, hook):
    url, *_ = hook
    assert await post_update(url, api.push_text(WANG, "/start", queue=False)) == 200
    messages = await api.wait_for_messages(WANG, 1)
    assert "欢迎" in messages[0]["text"]
    assert api.calls_of("getUpdates") == []  # nothing polls in webhook mode


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", "秘密"])
async def test_a_wrong_or_missing_secret_is_refused_and_nothing_happens(api, hook, sqlite_db, secret):
    url, _, _, tg = hook
    assert await post_update(url, api.push_text(WANG, "/start", queue=False), secret=secret) == 403
    await updates_handled(tg)  # a wrongly accepted update would have been handled by now
    assert api.sent == [] and processed(sqlite_db) == 0


@pytest.mark.parametrize("body", ["{", "not json", "[1, 2]", '{"message": {}}', '{"update_id": "7"}',
                                  '{"update_id": 5, "message": {"text": "no chat"}}', b"\xff\xfe"])
async def test_malformed_bodies_are_refused(api, hook, sqlite_db, body):
    url, *_ = hook
    assert await post(url, body) == 400
    assert processed(sqlite_db) == 0


async def test_the_same_press_delivered_twice_is_answered_once(api, hook, sqlite_db):
    url, _, _, tg = hook
    await post_update(url, api.push_text(WANG, "/start", queue=False))
    await api.wait_for_messages(WANG, 1)
    press = api.push_callback(WANG, 1, "suy:WH-SF-01", queue=False)
    statuses = await asyncio.gather(post_update(url, press), post_update(url, press))
    assert statuses == [200, 200]
    await updates_handled(tg)  # both deliveries, each handled to the end
    assert len(api.calls_of("answerCallbackQuery")) == 1
    assert len(api.sent_to(WANG)) == 2 and "报名成功" in api.sent_to(WANG)[1]["text"]


async def test_a_closed_webhook_turns_updates_away_for_another_worker(api, hook):
    url, _, intake, _ = hook
    intake.close()
    assert await post_update(url, api.push_text(WANG, "/start", queue=False)) == 503
    assert await post_update(url, api.push_text(WANG, "/start", queue=False), secret="x") == 403


@pytest.mark.parametrize("secret", ["", "has space", "ünï"])
def test_webhook_mode_refuses_a_missing_or_unusable_secret(settings, dialogs, secret):
    conf = hook_settings(settings, FakeBotApi(), secret=secret)
    with pytest.raises(ValueError, match="secret"):
        build_telegram(dialogs, conf)
    with pytest.raises(ValueError, match="secret"):
        TelegramWebhook(build_application(dialogs, conf), conf).setup(web.Application())


def test_webhook_mode_adds_the_route_and_no_polling(settings, dialogs):
    parts = build_telegram(dialogs, hook_settings(settings, FakeBotApi()))
    assert len(parts.routes) == 1
    app = web.Application()
    parts.routes[0](app)
    assert any(r.method == "POST" and r.resource.canonical == "/telegram/webhook"
               for r in app.router.routes())


async def test_a_reply_that_cannot_be_sent_waits_in_the_outbox(api, hook, sqlite_db):
    url, conf, _, tg = hook
    api.fail_next("sendMessage", 2, status=502)
    update = api.push_text(LI, "你好", queue=False)  # a first word is greeted (/start also shows the keyboard)
    assert await post_update(url, update) == 200

    def queued() -> list[OutboxMessage]:
        with sqlite_db.session() as s:
            return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reply")))

    await api.wait_until(lambda: [r.status for r in queued()] == ["failed"])
    row = queued()[0]
    with sqlite_db.session() as s:
        account = s.get(ChannelAccount, row.account_id)
    assert row.idem_key == f"telegram:reply:{update['update_id']}:0" and row.urgent
    assert (account.channel, account.external_id) == ("telegram", str(LI))
    assert api.sent_to(LI) == []
    worker = build_worker(sqlite_db, conf, {"telegram": TelegramSender(tg.bot)})
    first = await worker.drain(max_ticks=1)  # the second 502: the push is retried later
    assert first.retried == 1 and api.sent_to(LI) == []
    with sqlite_db.session() as s:
        s.get(OutboxMessage, row.id).due_at = row.due_at  # due again now, not after the backoff
    assert (await worker.drain()).sent == 1
    assert len(api.sent_to(LI)) == 1 and "欢迎" in api.sent_to(LI)[0]["text"]


async def test_linli_webhook_set_registers_the_secret_and_update_kinds(api, settings):
    conf = hook_settings(settings, api)
    target = "https://bot.example.org/telegram/webhook"
    assert await asyncio.to_thread(run_webhook_command, conf, "set", target) == 0
    assert api.webhook["url"] == target and api.webhook["secret_token"] == SECRET
    assert api.webhook["allowed_updates"] == list(ALLOWED_UPDATES)
    assert await asyncio.to_thread(run_webhook_command, conf, "info") == 0
    empty = hook_settings(settings, api, secret="")
    assert await asyncio.to_thread(run_webhook_command, empty, "set", target) == 2
