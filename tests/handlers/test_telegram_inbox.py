"""Telegram updates are stored before Telegram is told they arrived: the webhook answers 503 for an
update the database cannot take, polling confirms an update only once it is stored, and a turn
that fails after the update was taken is tried again from its row."""
from __future__ import annotations

import json

import aiohttp
import pytest
from pydantic import SecretStr
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.handlers.telegram.channel import build_telegram
from bot.handlers.telegram.webhook import SECRET_HEADER
from store.models import InboundUpdate
from store.models.inbox import DONE
from tests.fakes.telegram_api import FakeBotApi
from tests.support.outage import Outage
from tests.support.telegram_app import webhook_channel
from tests.support.waiting import wait_until

SECRET = "s3cret-Token_for-tests"
WANG = 7001


def telegram_settings(settings, api: FakeBotApi, mode: str):
    """Telegram against the fake server; the inbox retries after 50 ms and holds updates for 5 s."""
    tg = settings.telegram.model_copy(update={
        "token": SecretStr(api.token), "base_url": api.base_url, "base_file_url": api.base_file_url,
        "mode": mode, "webhook_secret": SecretStr(SECRET), "rate_per_chat_per_second": 1000.0})
    inbox = settings.inbox.model_copy(update={"retry_seconds": 0.05, "lease_seconds": 5.0})
    return settings.model_copy(update={"telegram": tg, "inbox": inbox})


def stored(db) -> list[InboundUpdate]:
    with db.session() as s:
        return list(s.exec(select(InboundUpdate).where(InboundUpdate.channel == "telegram")))


@pytest.fixture
async def webhook(api, sqlite_db, settings, clock):
    """The Telegram channel as `linli serve` builds it in webhook mode; yields (url, dialogs)."""
    dialogs = Dialogs(sqlite_db, telegram_settings(settings, api, "webhook"), clock)
    async with webhook_channel(dialogs) as url:
        yield url, dialogs


async def post(url: str, update: dict) -> int:
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=json.dumps(update), headers=headers) as response:
            return response.status


async def test_the_webhook_stores_an_update_before_its_200_and_marks_it_done(api, webhook):
    url, dialogs = webhook
    update = api.push_text(WANG, "/start", queue=False)
    assert await post(url, update) == 200
    await api.wait_for_messages(WANG, 1)
    await wait_until(lambda: [row.status for row in stored(dialogs.db)] == [DONE])
    assert stored(dialogs.db)[0].update_key == str(update["update_id"])


async def test_an_update_the_database_cannot_take_is_refused_so_telegram_delivers_it_again(api, webhook):
    url, dialogs = webhook
    outage = Outage(dialogs.db)
    update = api.push_text(WANG, "/start", queue=False)
    outage.fail()
    assert await post(url, update) == 503  # never 200-and-forget
    outage.end()
    assert await post(url, update) == 200  # Telegram's redelivery
    messages = await api.wait_for_messages(WANG, 1)
    assert "欢迎" in messages[0]["text"]
    await wait_until(lambda: [row.status for row in stored(dialogs.db)] == [DONE])


async def test_a_turn_that_fails_after_the_200_is_tried_again_and_answered_once(api, webhook):
    url, dialogs = webhook
    outage = Outage(dialogs.db)
    outage.fail(touching="dialog_state", times=3)  # stored; then the turn fails three times
    assert await post(url, api.push_text(WANG, "/start", queue=False)) == 200
    messages = await api.wait_for_messages(WANG, 1)
    assert outage.failed == 3 and "欢迎" in messages[0]["text"]
    await wait_until(lambda: [row.status for row in stored(dialogs.db)] == [DONE])
    assert len(api.sent_to(WANG)) == 1


async def test_polling_confirms_an_update_only_once_it_is_stored(api, sqlite_db, settings, clock):
    dialogs = Dialogs(sqlite_db, telegram_settings(settings, api, "polling"), clock)
    parts = build_telegram(dialogs, dialogs.settings)
    outage = Outage(dialogs.db)
    outage.fail(touching="inbound_update", times=2)  # the first two tries to store it fail
    api.push_text(WANG, "/start")
    await parts.start()
    try:
        messages = await api.wait_for_messages(WANG, 1, timeout=20)
        assert "欢迎" in messages[0]["text"] and outage.failed == 2
        offsets = [c.params.get("offset") for c in api.calls_of("getUpdates")]
        # Fetched again unconfirmed while it could not be stored; confirmed after.
        assert offsets[:3] == [None, None, None]
        # Confirmed by the next getUpdates (its offset past the update), once stored.
        await wait_until(lambda: api.pending_updates == 0)
    finally:
        await parts.stop_intake()
        await parts.stop()
        await parts.close()
    assert [row.status for row in stored(sqlite_db)] == [DONE]
    assert len(api.sent_to(WANG)) == 1
