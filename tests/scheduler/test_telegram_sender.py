"""The Telegram sender against the fake Bot API: pushes arrive with keyboards, errors map to kinds."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from bot.handlers.telegram.lean_bot import LeanBot

from bot.messages import Choice, Reply
from bot.handlers.telegram.limits import TelegramLimiter
from bot.app import build_worker
from scheduler.senders import FATAL, RETRY, UNREACHABLE, SendError
from bot.handlers.telegram.sender import TelegramSender
from store.models import ChannelAccount, OutboxMessage, Resident
from store.models.outbox import DEAD, SENT
from store.outbox import enqueue
from tests.conftest import START
from tests.fakes.telegram_api import FakeBotApi, button_rows

CHAT = 777001
PUSH = Reply("明天 09:00 零基础毛笔书法，请准时到幸福社区文化家园。",
             (Choice("请假", "lv:12"), Choice("主菜单", "menu")))

# PTB itself warns when it builds a RetryAfter (its retry_after type is changing).
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def api():
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot(api):
    bot = LeanBot(api.token, base_url=api.base_url, base_file_url=api.base_file_url,
                 rate_limiter=TelegramLimiter(max_retries=0))
    async with bot:
        yield bot


async def test_a_push_arrives_with_its_keyboard(api, bot):
    await TelegramSender(bot).send(str(CHAT), PUSH)
    [message] = api.sent_to(CHAT)
    assert message["text"] == PUSH.text
    assert [[b["callback_data"] for b in row] for row in button_rows(message)] in (
        [["lv:12", "menu"]], [["lv:12"], ["menu"]])
    assert [c.method for c in api.calls].count("sendMessage") == 1


async def send_error(bot, chat=CHAT) -> SendError:
    with pytest.raises(SendError) as caught:
        await TelegramSender(bot).send(str(chat), PUSH)
    return caught.value


async def test_too_many_requests_is_a_retry_with_telegrams_wait(api, bot):
    api.fail_next("sendMessage", status=429, retry_after=7)
    error = await send_error(bot)
    assert (error.kind, error.retry_after) == (RETRY, 7)
    assert api.sent_to(CHAT) == []


@pytest.mark.parametrize("status, body", [(502, None), (500, None), (502, "<html>Bad Gateway</html>")])
async def test_server_errors_are_retried(api, bot, status, body):
    api.fail_next("sendMessage", status=status, body=body)
    error = await send_error(bot)
    assert error.kind == RETRY and error.retry_after is None


async def test_blocked_bot_is_unreachable(api, bot):
    api.fail_next("sendMessage", status=403)
    assert (await send_error(bot)).kind == UNREACHABLE


async def test_bad_requests(api, bot):
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    assert (await send_error(bot)).kind == UNREACHABLE
    api.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    error = await send_error(bot)
    assert error.kind == FATAL and "parse entities" in str(error)


async def test_outbox_worker_delivers_through_telegram(api, bot, sqlite_db, settings, clock):
    db = sqlite_db
    with db.session() as s:
        for chat in (CHAT, CHAT + 1):
            resident = Resident(display_name="王阿姨")
            s.add(resident)
            s.flush()
            s.add(ChannelAccount(channel="telegram", external_id=str(chat), resident_id=resident.id))
            enqueue(s, idem_key=f"reminder:{chat}", kind="reminder", payload=PUSH.to_dict(),
                    due_at=START - timedelta(minutes=1), resident_id=resident.id)
    api.fail_next("sendMessage", status=403)  # the first chat blocked the bot
    worker = build_worker(db, settings, {"telegram": TelegramSender(bot)}, clock)
    result = await worker.drain()
    assert (result.sent, result.dead) == (1, 1)
    with db.session() as s:
        rows = {r.idem_key: r for r in s.exec(select(OutboxMessage))}
        blocked = s.exec(select(ChannelAccount).where(ChannelAccount.unreachable == True)).all()  # noqa: E712
    assert sorted(r.status for r in rows.values()) == [DEAD, SENT]
    assert len(blocked) == 1
    delivered = CHAT if rows[f"reminder:{CHAT}"].status == SENT else CHAT + 1
    assert [m["text"] for m in api.sent_to(delivered)] == [PUSH.text]
