"""`linli serve` as a process, one channel at a time, its settings given by environment: a resident
gets an answer, and a push owed from the outbox reaches the fake platform; `linli chat` on stdin."""
from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import aiohttp
import pytest
import yarl
from sqlmodel import select

from bot.cli.group import create_wecom_group
from bot.clock import utcnow
from bot.handlers.web.session import account_key
from bot.handlers.wecom.client import build_api
from bot.messages import Reply
from store.db import Database
from store.models import ChannelAccount, Enrolment
from store.outbox import enqueue
from store.people import get_or_create_account
from store.roles import new_invite
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.wecom_stack import random_aes_key
from tests.support.catalog import add_course
from tests.support.databases import PostgresSchema, postgres_base_url
from tests.support.waiting import wait_until
from tests.support.wecom_member import ARRIVES_WITHIN, WecomMember, choice
from tests.support.workers import (ROOT, linli_env, migrated_database, post_update, serving, settings_of,
                                   telegram_on, wecom_on)

COURSE = "WH-SF-01"


@pytest.fixture
def postgres_served():
    """A migrated private PostgreSQL schema shared by the test and the process: (url, database)."""
    schema = PostgresSchema(postgres_base_url())
    db = migrated_database(schema.url)
    yield schema.url, db
    db.dispose()
    schema.drop()


def owe_notice(db: Database, channel: str, external_id: str, text: str) -> None:
    """An urgent notice due now for one account, as the notice flow writes it."""
    with db.session() as s:
        account, _ = get_or_create_account(s, channel, external_id)
        enqueue(s, idem_key=f"notice:serve-test:{channel}:{external_id}", kind="notice",
                payload=Reply(text).to_dict(), due_at=utcnow() - timedelta(seconds=1),
                account_id=account.id, urgent=True)


# -- Telegram ---------------------------------------------------------------------------------

async def telegram_sees(api: FakeBotApi, chat_id: int, part: str) -> None:
    """Wait for a message to chat_id containing part."""
    await wait_until(lambda: any(part in (m.get("text") or "") for m in api.sent_to(chat_id)), ARRIVES_WITHIN,
                     what=lambda: f"chat {chat_id} to get {part!r}; got {[m.get('text') for m in api.sent_to(chat_id)]}")


def enrolment_id(db: Database, telegram_user: int) -> int:
    with db.session() as s:
        account = s.exec(select(ChannelAccount).where(ChannelAccount.channel == "telegram",
                                                      ChannelAccount.external_id == str(telegram_user))).one()
        return s.exec(select(Enrolment.id).where(Enrolment.resident_id == account.resident_id)).one()


async def test_telegram_polling_answers_start_and_delivers_a_notice(sqlite_served, tmp_path):
    url, db = sqlite_served
    async with FakeBotApi() as api:
        async with serving("polling", url, tmp_path, **telegram_on(api, mode="polling")):
            api.push_text(7001, "/start")
            await telegram_sees(api, 7001, "欢迎")
            assert [[key["text"] for key in row] for row in api.keyboards[7001]] == [["主菜单", "我的报名", "帮助"]]
            api.push_text(7001, "我的报名")  # what the keyboard's key sends
            await telegram_sees(api, 7001, "您还没有报名")
            owe_notice(db, "telegram", "7001", "社区通知：明天上午停水。")
            await telegram_sees(api, 7001, "明天上午停水")
        assert api.calls_of("setWebhook") == [] and api.calls_of("getUpdates")
        assert [c["command"] for c in api.commands] == ["start", "my", "browse", "help"]


async def test_telegram_webhook_on_postgres_promotes_the_waiting_resident(postgres_served, tmp_path):
    url, db = postgres_served
    add_course(db, COURSE, "零基础毛笔书法", capacity=1, first_start=utcnow() + timedelta(days=3))
    first, second = 7101, 7102
    async with FakeBotApi() as api, aiohttp.ClientSession() as http:
        async with serving("webhook", url, tmp_path, **telegram_on(api)) as worker:

            async def press(user: int, data: str) -> None:
                update = api.push_callback(user, 1, data, queue=False)
                assert await post_update(http, worker, update, api=api) == 200

            await press(first, f"suy:{COURSE}")
            await telegram_sees(api, first, "报名成功")
            await press(second, f"suy:{COURSE}")
            await telegram_sees(api, second, "候补")
            await press(first, f"cxy:{enrolment_id(db, first)}")  # the place is freed …
            await telegram_sees(api, second, "有空位了")            # … and the waiting resident is told
            await wait_until(lambda: not api.unanswered_callbacks, ARRIVES_WITHIN, what="every press answered")
        assert api.calls_of("getUpdates") == []  # nothing polls in webhook mode
        answers = api.calls_of("answerCallbackQuery")  # each in the webhook's response, none a request
        assert len(answers) == 3 and all(call.in_response for call in answers)


# -- WeCom ------------------------------------------------------------------------------------

async def test_wecom_answers_a_member_and_delivers_a_notice(sqlite_served, tmp_path, wecom_fake):
    url, db = sqlite_served
    conf = wecom_on(wecom_fake, random_aes_key())
    async with serving("wecom", url, tmp_path, **conf) as worker:
        member = WecomMember(worker.wecom_callbacks(settings_of(**conf)), wecom_fake, "liuyi")
        await member.say("在吗", expect="欢迎")
        seen = len(wecom_fake.texts("liuyi"))
        assert (await member.callbacks.menu_click("liuyi", "我的报名")).status == 200  # the application menu
        await member.sees("您还没有报名", after=seen)
        owe_notice(db, "wecom", "liuyi", "社区通知：周六上午义诊。")
        await member.sees("周六上午义诊")


async def test_a_grid_workers_notice_reaches_the_bound_wecom_group_chat(sqlite_served, tmp_path, wecom_fake):
    url, db = sqlite_served
    wecom_fake.limit = 600  # laoli's long conversation: no pauses of the member pace
    conf = wecom_on(wecom_fake, random_aes_key())
    with db.session() as s:
        code = new_invite(s, "grid_staff", "和平社区", now=utcnow()).code
    # What `linli group create` does: a WeCom group chat, bound to the community and grid.
    chat_id = await create_wecom_group(build_api(settings_of(**conf).wecom, db), db, "和平社区", "第一网格",
                                       "laoli", ["laowang", "xiaozhang"])
    async with serving("wecom-groups", url, tmp_path, **conf) as worker:
        laoli = WecomMember(worker.wecom_callbacks(settings_of(**conf)), wecom_fake, "laoli")
        await laoli.say("你好", expect="欢迎")
        await laoli.say(f"邀请码 {code}", expect="网格员")
        await laoli.say("发通知", expect="请输入通知内容")
        targets = await laoli.say("周六上午九点社区广场义诊，请带医保卡。", expect="发给哪些群")
        when = await laoli.say(choice(targets, "和平社区（全部"), expect="什么时候发")
        urgency = await laoli.say(choice(when, "现在发送"), expect="是紧急通知吗")
        preview = await laoli.say(choice(urgency, "普通通知"), expect="群聊：1 个")
        await laoli.say(choice(preview, "确认发送"), expect="已安排发送")
        await wait_until(lambda: wecom_fake.chat_messages[chat_id], ARRIVES_WITHIN,
                         what="the notice at appchat/send")
    [sent] = wecom_fake.chat_messages[chat_id]
    assert sent["msgtype"] == "text"
    assert sent["text"]["content"] == "【和平社区通知】\n周六上午九点社区广场义诊，请带医保卡。"


# -- web chat ---------------------------------------------------------------------------------

async def test_web_chat_answers_the_page_and_shows_a_push_in_its_history(sqlite_served, tmp_path):
    url, db = sqlite_served
    async with serving("web", url, tmp_path) as worker:
        jar = aiohttp.CookieJar(unsafe=True)  # the cookie comes from 127.0.0.1
        async with aiohttp.ClientSession(worker.url, cookie_jar=jar) as http:
            async with http.get("/") as page:
                assert page.status == 200
            token = jar.filter_cookies(yarl.URL(worker.url))["linli_web"].value
            async with http.post("/api/start", json={"id": "serve-test-000001"}) as opened:
                answer = await opened.json()
            assert opened.status == 200 and "欢迎" in answer["replies"][0]["text"]

            owe_notice(db, "web", account_key(token), "社区通知：周日文化站书法展。")
            pushes: list[dict] = []

            async def pushed() -> bool:
                async with http.get("/api/history") as response:
                    pushes[:] = [m for m in (await response.json())["messages"] if m.get("push")]
                return bool(pushes)

            await wait_until(pushed, ARRIVES_WITHIN, what="the push in the page's history")
            assert pushes[0]["text"] == "社区通知：周日文化站书法展。"


# -- the console ------------------------------------------------------------------------------

def test_linli_chat_shows_the_menu_and_answers_a_search(sqlite_served, tmp_path):
    url, db = sqlite_served
    add_course(db, COURSE, "零基础毛笔书法", first_start=utcnow() + timedelta(days=2))
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--user", "tester"],
                          input="毛笔\n退出\n", capture_output=True, text=True, cwd=str(ROOT),
                          env=linli_env(url, tmp_path / "files"), timeout=60)
    assert done.returncode == 0, done.stderr
    greeting, _, rest = done.stdout.partition(">")
    assert "欢迎" in greeting and "服务菜单" in greeting
    assert "为您找到这些" in rest and "零基础毛笔书法" in rest
    assert rest.rstrip().endswith("再见！")
