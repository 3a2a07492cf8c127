"""A button press through the webhook costs one or two Bot API requests: the press is answered in
the webhook's HTTP response; the answer takes the place of the screen pressed (one request), or,
when the pressed message is worth keeping, its keyboard is removed and the answer sent below.
Either way the answer is an outbox row, marked sent."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest
from pydantic import SecretStr
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from store.models import InboundUpdate, OutboxMessage
from store.models.inbox import DONE
from store.models.outbox import SENT
from tests.fakes.telegram_api import FakeBotApi
from tests.support.telegram_app import webhook_channel
from tests.support.waiting import wait_until

SECRET = "s3cret-Token_for-tests"
WANG = 7001


@pytest.fixture
async def webhook(api, sqlite_db, settings, clock):
    """The Telegram channel as `linli serve` builds it in webhook mode; yields (url, dialogs)."""
    tg = settings.telegram.model_copy(update={
        "token": SecretStr(api.token), "base_url": api.base_url, "base_file_url": api.base_file_url,
        "mode": "webhook", "webhook_secret": SecretStr(SECRET), "rate_per_chat_per_second": 1000.0})
    dialogs = Dialogs(sqlite_db, settings.model_copy(update={"telegram": tg}), clock)
    async with webhook_channel(dialogs) as url:
        yield url, dialogs


def all_done(db) -> bool:
    with db.session() as s:
        return all(row.status == DONE for row in s.exec(select(InboundUpdate)))


def reply_rows(db) -> int:
    with db.session() as s:
        return len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reply")).all())


def replies_sent(db) -> bool:
    with db.session() as s:
        return all(row.status == SENT for row in s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reply")))


async def deliver(api: FakeBotApi, url: str, update: dict) -> int:
    async with aiohttp.ClientSession() as http:
        return await api.deliver(http, url, update, SECRET)


async def started(api: FakeBotApi, url: str, dialogs) -> dict:
    """/start answered and handled to the end; the greeting with its buttons."""
    assert await deliver(api, url, api.push_text(WANG, "/start", queue=False)) == 200
    greeting = (await api.wait_for_messages(WANG, 1))[0]
    await wait_until(lambda: all_done(dialogs.db))
    return greeting


async def test_a_press_costs_two_requests_and_is_answered_in_the_webhook_response(api, webhook):
    url, dialogs = webhook
    greeting = await started(api, url, dialogs)
    before, rows = len(api.calls), reply_rows(dialogs.db)

    assert await deliver(api, url, api.push_callback(WANG, greeting["message_id"], "browse", queue=False)) == 200
    await api.wait_for_messages(WANG, 2)
    await wait_until(lambda: all_done(dialogs.db))

    calls = api.calls[before:]
    assert [c.method for c in calls if c.in_response] == ["answerCallbackQuery"]
    assert sorted(c.method for c in calls if not c.in_response) == ["editMessageReplyMarkup", "sendMessage"]
    assert api.unanswered_callbacks == []
    assert api.message(WANG, greeting["message_id"]).get("reply_markup") is None  # old buttons gone
    assert reply_rows(dialogs.db) == rows + 1  # the answer is still an outbox row


async def test_a_press_delivered_twice_is_answered_once_and_replied_to_once(api, webhook):
    url, dialogs = webhook
    greeting = await started(api, url, dialogs)
    before = len(api.calls)
    press = api.push_callback(WANG, greeting["message_id"], "browse", queue=False)

    assert await asyncio.gather(deliver(api, url, press), deliver(api, url, press)) == [200, 200]
    await api.wait_for_messages(WANG, 2)
    await wait_until(lambda: all_done(dialogs.db))

    calls = api.calls[before:]
    assert [c.method for c in calls if c.in_response] == ["answerCallbackQuery"]
    assert [c.status for c in calls if c.in_response] == [200]
    assert sorted(c.method for c in calls if not c.in_response) == ["editMessageReplyMarkup", "sendMessage"]
    assert len(api.sent_to(WANG)) == 2


async def test_a_typed_message_gets_a_plain_ok_and_one_request(api, webhook):
    url, dialogs = webhook
    await started(api, url, dialogs)
    before = len(api.calls)

    assert await deliver(api, url, api.push_text(WANG, "帮助", queue=False)) == 200
    await api.wait_for_messages(WANG, 2)
    await wait_until(lambda: all_done(dialogs.db))

    assert [c.method for c in api.calls[before:]] == ["sendMessage"]


async def on_the_sections_screen(api: FakeBotApi, url: str, dialogs) -> dict:
    """/start, then 服务菜单 pressed under the greeting: the sections screen, sent below it."""
    greeting = await started(api, url, dialogs)
    assert await deliver(api, url, api.push_callback(WANG, greeting["message_id"], "browse", queue=False)) == 200
    await api.wait_for_messages(WANG, 2)
    await wait_until(lambda: all_done(dialogs.db) and replies_sent(dialogs.db))
    return api.sent_to(WANG)[-1]


async def press_culture(api: FakeBotApi, url: str, dialogs, sections: dict) -> list:
    """文化 pressed on the sections screen, handled to the end; the Bot API calls it cost."""
    before, rows = len(api.calls), reply_rows(dialogs.db)
    assert await deliver(api, url, api.push_callback(WANG, sections["message_id"], "sec:文化", queue=False)) == 200
    await wait_until(lambda: all_done(dialogs.db) and reply_rows(dialogs.db) == rows + 1 and replies_sent(dialogs.db))
    return api.calls[before:]


async def test_a_press_on_a_screen_costs_one_request_its_answer_taking_the_screens_place(api, webhook):
    url, dialogs = webhook
    sections = await on_the_sections_screen(api, url, dialogs)

    calls = await press_culture(api, url, dialogs, sections)

    assert [c.method for c in calls if c.in_response] == ["answerCallbackQuery"]
    assert [c.method for c in calls if not c.in_response] == ["editMessageText"]
    assert "文化类" in api.message(WANG, sections["message_id"])["text"]
    assert len(api.sent_to(WANG)) == 2  # nothing new below: the greeting and the one screen
    assert api.message(WANG, sections["message_id"]).get("reply_markup")  # the new choices


async def test_a_screen_telegram_will_not_edit_is_answered_below_with_its_buttons_gone(api, webhook):
    url, dialogs = webhook
    sections = await on_the_sections_screen(api, url, dialogs)
    api.fail_next("editMessageText", status=400, description="Bad Request: message can't be edited")

    calls = await press_culture(api, url, dialogs, sections)

    assert [c.method for c in calls if not c.in_response] == [
        "editMessageText", "editMessageReplyMarkup", "sendMessage"]
    assert api.message(WANG, sections["message_id"]).get("reply_markup") is None
    assert "文化类" in api.sent_to(WANG)[-1]["text"]


async def test_a_screen_that_already_shows_the_answer_is_left_as_it_is(api, webhook):
    url, dialogs = webhook
    sections = await on_the_sections_screen(api, url, dialogs)
    api.fail_next("editMessageText", status=400, description="Bad Request: message is not modified")

    calls = await press_culture(api, url, dialogs, sections)

    assert [c.method for c in calls if not c.in_response] == ["editMessageText"]
    assert len(api.sent_to(WANG)) == 2
