"""The WeCom API side: per-member pacing, the outbox sender's error kinds, the shared token, group chats."""
from __future__ import annotations

import pytest

from bot.messages import Choice, Reply
from bot.handlers.pacing import SharedPace
from bot.handlers.wecom.client import MemberRateLimiter, build_api
from bot.handlers.wecom.groups import create_group_chat, send_to_group
from bot.handlers.wecom.render import render, split_text
from scheduler.senders import FATAL, RETRY, UNREACHABLE, SendError
from bot.handlers.wecom.sender import WecomSender
from sqlmodel import select

from store.models import WecomGroupChat
from tests.fakes.wecom_api import FakeWecomApi
from tests.fakes.wecom_stack import CORP_ID, SECRET, FakeClock, wecom_settings


@pytest.fixture
def ticker():
    """The monotonic clock the limiter and the fake API share; sleeping moves it."""
    return FakeClock()


@pytest.fixture
async def fake(ticker):
    async with FakeWecomApi(CORP_ID, SECRET, clock=ticker, members={"laoli", "laowang", "xiaozhang"}) as server:
        yield server


def make_api(fake, settings, db, ticker, limit: int | None = 30):
    w = wecom_settings(settings, fake.base_url).wecom
    limiter = MemberRateLimiter(limit, clock=ticker, sleep=ticker.sleep) if limit else None
    api = build_api(w, db, limiter)
    if limit is None:
        api.limiter = None
    return api


async def test_31_pushes_in_a_minute_are_all_delivered_the_31st_waits(fake, settings, sqlite_db, ticker):
    sender = WecomSender(make_api(fake, settings, sqlite_db, ticker))
    for n in range(1, 32):
        await sender.send("laoli", Reply(f"第 {n} 条通知"))
    assert fake.dropped == {}
    assert fake.texts("laoli") == [f"第 {n} 条通知" for n in range(1, 32)]
    assert ticker.waits == [60.0]  # the 31st waited for the first one's minute to pass


async def test_without_pacing_the_fake_drops_like_wecom(fake, settings, sqlite_db, ticker):
    api = make_api(fake, settings, sqlite_db, ticker, limit=None)
    for n in range(31):
        await api.send_text("laoli", f"{n}")
    assert len(fake.texts("laoli")) == 30 and fake.dropped["laoli"] == 1


async def test_pacing_is_per_member(fake, settings, sqlite_db, ticker):
    api = make_api(fake, settings, sqlite_db, ticker)
    for n in range(30):
        await api.send_text("laoli", f"{n}")
    await api.send_text("laowang", "你好")
    assert ticker.waits == []


@pytest.mark.parametrize("code,kind", [(45009, RETRY), (45033, RETRY), (-1, RETRY),
                                       (60111, UNREACHABLE), (81013, UNREACHABLE), (40058, FATAL)])
async def test_sender_sorts_api_errors(fake, settings, sqlite_db, ticker, code, kind):
    sender = WecomSender(make_api(fake, settings, sqlite_db, ticker))
    fake.fail_next["message/send"].append(code)
    with pytest.raises(SendError) as caught:
        await sender.send("laoli", Reply("提醒"))
    assert caught.value.kind == kind
    assert SECRET not in str(caught.value)


async def test_unknown_member_is_unreachable(fake, settings, sqlite_db, ticker):
    sender = WecomSender(make_api(fake, settings, sqlite_db, ticker))
    with pytest.raises(SendError) as caught:
        await sender.send("nobody", Reply("提醒"))
    assert caught.value.kind == UNREACHABLE


async def test_network_trouble_is_retried_later(fake, settings, sqlite_db, ticker):
    api = make_api(fake, settings, sqlite_db, ticker)
    await api.send_text("laoli", "先拿到令牌")
    await fake.close()
    with pytest.raises(SendError) as caught:
        await WecomSender(api).send("laoli", Reply("提醒"))
    assert caught.value.kind == RETRY
    assert "access_token" not in str(caught.value)


async def test_a_push_with_few_choices_brings_a_card(fake, settings, sqlite_db, ticker):
    sender = WecomSender(make_api(fake, settings, sqlite_db, ticker))
    await sender.send("laoli", Reply("明天上课，记得带笔墨。", (Choice("我的报名", "my"), Choice("主菜单", "menu"))))
    assert fake.texts("laoli") == ["明天上课，记得带笔墨。\n\n回复 1 我的报名\n回复 2 主菜单"]
    assert [b["key"] for b in fake.cards("laoli")[0]["button_list"]] == ["my", "menu"]


async def test_workers_share_one_token_through_the_database(fake, settings, sqlite_db, ticker):
    first = make_api(fake, settings, sqlite_db, ticker)
    second = make_api(fake, settings, sqlite_db, ticker)
    await first.send_text("laoli", "一")
    await second.send_text("laoli", "二")
    assert fake.gettoken_calls == 1
    fake.expire_tokens()
    await first.send_text("laoli", "三")
    await second.send_text("laoli", "四")  # reads the new token from the database
    assert fake.gettoken_calls == 2 and len(fake.texts("laoli")) == 4


async def test_group_chat_for_a_grid_is_created_recorded_and_used(fake, settings, sqlite_db, ticker):
    api = make_api(fake, settings, sqlite_db, ticker)
    chat_id = await create_group_chat(api, sqlite_db, "幸福社区", "第三网格", "幸福社区第三网格通知群",
                                      "laoli", ["laowang", "xiaozhang"])
    assert fake.chats[chat_id]["userlist"] == ["laoli", "laowang", "xiaozhang"]
    assert fake.chats[chat_id]["owner"] == "laoli"
    with sqlite_db.session() as s:
        rows = s.exec(select(WecomGroupChat).where(WecomGroupChat.community == "幸福社区",
                                                   WecomGroupChat.grid == "第三网格")).all()
        assert [(r.chat_id, r.name) for r in rows] == [(chat_id, "幸福社区第三网格通知群")]
    await send_to_group(api, chat_id, "本周六上午 9 点社区广场有义诊。")
    sent = fake.chat_messages[chat_id]
    assert [m["text"]["content"] for m in sent] == ["本周六上午 9 点社区广场有义诊。"]
    with pytest.raises(ValueError):
        await create_group_chat(api, sqlite_db, "幸福社区", "", "一个人的群", "laoli", ["laoli"])


def test_long_text_is_split_under_wecom_byte_limit():
    text = "\n".join(f"第{n}行：社区文化活动安排说明" for n in range(300))
    parts = split_text(text)
    assert len(parts) > 1 and all(len(p.encode()) <= 2000 for p in parts)
    assert "\n".join(parts) == text
    one_line = "长" * 1500
    assert "".join(split_text(one_line)) == one_line


def test_many_or_long_choices_stay_text_only():
    many = Reply("选一个", tuple(Choice(f"第{n}项", f"x:{n}") for n in range(7)))
    long = Reply("选一个", (Choice("取消报名：零基础毛笔书法", "cx:1"),))
    for reply in (many, long):
        assert [m["msgtype"] for m in render(reply)] == ["text"]


async def test_two_workers_stay_within_one_members_limit_together(fake, settings, sqlite_db, ticker):
    shared = SharedPace(sqlite_db, sleep=ticker.sleep, clock=lambda: 1_800_000_000.0 + ticker())
    workers = [make_api(fake, settings, sqlite_db, ticker) for _ in range(2)]
    for api in workers:
        api.limiter.shared = shared
    for n in range(40):
        await workers[n % 2].send_text("laoli", f"{n}")
    # Alone, each worker would let 30 a minute through and WeCom would drop the surplus.
    assert fake.dropped == {} and len(fake.texts("laoli")) == 40
    # 15 at once, then one every 4 s whichever worker sends.
    assert [round(w, 3) for w in ticker.waits] == [4.0] * 25


def test_the_service_builds_a_shared_member_limiter(settings, sqlite_db):
    api = build_api(wecom_settings(settings, "http://127.0.0.1:9").wecom, sqlite_db)
    assert api.limiter.shared is not None and api.limiter.shared.db is sqlite_db
