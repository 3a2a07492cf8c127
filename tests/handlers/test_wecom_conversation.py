"""A resident signs up on WeCom: by typed numbers, by card buttons, through retries and token expiry."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from store.models import Enrolment
from tests.conftest import START
from tests.fakes.wecom_stack import wecom_stack
from tests.support.catalog import add_course


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=2,
               first_start=START + timedelta(days=1, hours=1), teacher="林秀兰老师",
               venue="和平街道文化站", address="和平街道幸福路 88 号")
    return sqlite_db


@pytest.fixture
async def stack(dialogs, settings, catalogue):
    async with wecom_stack(dialogs, settings) as running:
        yield running


def last_text(stack, user: str) -> str:
    return stack.fake.texts(user)[-1]


def last_card(stack, user: str) -> dict:
    return stack.fake.cards(user)[-1]


async def press(stack, user: str, label: str) -> str:
    """Press the button labelled label on the newest card; returns the ResponseCode used."""
    card = last_card(stack, user)
    button = next(b for b in card["button_list"] if b["text"] == label)
    code = f"rc-{len(stack.fake.card_updates)}"
    await stack.click(user, button["key"], card["task_id"], code)
    return code


def enrolments(db) -> list[Enrolment]:
    with db.session() as s:
        return list(s.exec(select(Enrolment)))


async def test_sign_up_by_typed_numbers(stack, catalogue):
    await stack.say("liuyi", "在吗")
    assert "欢迎" in last_text(stack, "liuyi") and "回复 1 服务菜单" in last_text(stack, "liuyi")
    await stack.say("liuyi", "1")
    assert "回复 1 文化" in last_text(stack, "liuyi")
    await stack.say("liuyi", "1")
    assert "回复 1 书法 · 1门课" in last_text(stack, "liuyi")
    await stack.say("liuyi", "1")
    assert "回复 1 零基础毛笔书法" in last_text(stack, "liuyi")
    await stack.say("liuyi", "1")
    page = last_text(stack, "liuyi")
    assert "讲师：林秀兰老师" in page and "还剩 2 个名额（共 2 个）" in page and "回复 1 报名" in page
    await stack.say("liuyi", "1")
    assert "确认报名【零基础毛笔书法】" in last_text(stack, "liuyi")
    await stack.say("liuyi", "1")
    done = last_text(stack, "liuyi")
    assert "报名成功" in done and "和平街道幸福路 88 号" in done
    await stack.say("liuyi", "我的报名")
    assert "回复 1 零基础毛笔书法\n回复 2 主菜单" in last_text(stack, "liuyi")
    assert [e.status for e in enrolments(catalogue)] == ["confirmed"]
    assert not stack.fake.dropped


async def test_sign_up_by_card_buttons_and_each_card_is_greyed_after_its_click(stack, catalogue):
    await stack.say("chener", "你好")
    card = last_card(stack, "chener")
    assert card["card_type"] == "button_interaction" and len(card["button_list"]) <= 6
    steps = [("服务菜单", "回复 1 文化"), ("文化", "回复 1 书法 · 1门课"), ("书法 · 1门课", "零基础毛笔书法"),
             ("零基础毛笔书法", "讲师：林秀兰老师"), ("报名", "确认报名【零基础毛笔书法】"),
             ("确认报名", "报名成功")]
    for label, expected in steps:
        code = await press(stack, "chener", label)
        assert expected in last_text(stack, "chener"), label
        update = stack.fake.card_updates[-1]
        assert update["response_code"] == code and update["userids"] == ["chener"]
        assert update["button"] == {"replace_name": "已选择"}
    assert len(stack.fake.card_updates) == len(steps)
    assert [e.status for e in enrolments(catalogue)] == ["confirmed"]
    task_ids = [c["task_id"] for c in stack.fake.cards("chener")]
    assert len(set(task_ids)) == len(task_ids)


async def test_a_click_means_the_same_as_typing_its_number(stack):
    await stack.say("typist", "你好")
    await stack.say("clicker", "你好")
    await stack.say("typist", "1")
    await press(stack, "clicker", "服务菜单")
    assert last_text(stack, "typist") == last_text(stack, "clicker")
    await stack.say("typist", "2")          # 体育: nothing there yet
    await press(stack, "clicker", "体育")
    assert last_text(stack, "typist") == last_text(stack, "clicker")


async def test_long_lists_come_as_text_only(stack, catalogue):
    for i in range(7):
        add_course(catalogue, f"WH-SF-1{i}", f"书法提高班第{i}期", first_start=START + timedelta(days=3))
    await stack.say("zhoujiu", "你好")
    await stack.say("zhoujiu", "1")
    await stack.say("zhoujiu", "1")
    cards_before = len(stack.fake.cards("zhoujiu"))
    await stack.say("zhoujiu", "1")  # eight courses, back, 有新课时提醒我 and menu: too many buttons
    listing = last_text(stack, "zhoujiu")
    assert "回复 4 书法提高班第2期" in listing and "回复 5 下一页" in listing and "回复 8 主菜单" in listing
    assert len(stack.fake.cards("zhoujiu")) == cards_before
    await stack.say("zhoujiu", "1")  # a course page: few choices, a card again
    assert len(stack.fake.cards("zhoujiu")) == cards_before + 1


async def test_the_same_callback_three_times_gives_one_reply_and_one_sign_up(stack, catalogue):
    for text in ("你好", "1", "1", "1", "1", "1"):
        await stack.say("wusan", text)
    assert "确认报名" in last_text(stack, "wusan")
    before = len(stack.fake.texts("wusan"))
    params, body = stack.callbacks.seal(stack.callbacks.text_xml("wusan", "1"))
    posted = await asyncio.gather(*(stack.callbacks.post_raw(params, body) for _ in range(3)))
    assert [p.status for p in posted] == [200, 200, 200]
    await stack.channel.drain()
    new = stack.fake.texts("wusan")[before:]
    assert len(new) == 1 and "报名成功" in new[0]
    assert len(enrolments(catalogue)) == 1


async def test_the_same_click_three_times_is_handled_once(stack):
    await stack.say("zhengsi", "你好")
    card = last_card(stack, "zhengsi")
    xml = stack.callbacks.card_click_xml("zhengsi", "browse", card["task_id"], "rc-once")
    params, body = stack.callbacks.seal(xml)
    for _ in range(3):
        assert (await stack.callbacks.post_raw(params, body)).status == 200
    await stack.channel.drain()
    assert len(stack.fake.card_updates) == 1
    assert sum("回复 1 文化" in text for text in stack.fake.texts("zhengsi")) == 1


async def test_token_expiry_mid_conversation_fetches_one_new_token_and_loses_nothing(stack, catalogue):
    await stack.say("wangwu", "你好")
    await stack.say("wangwu", "1")
    assert stack.fake.gettoken_calls == 1
    stack.fake.expire_tokens()
    await stack.say("wangwu", "1")
    assert "回复 1 书法 · 1门课" in last_text(stack, "wangwu")
    assert stack.fake.gettoken_calls == 2
    for text in ("1", "1", "1", "1"):
        await stack.say("wangwu", text)
    assert "报名成功" in last_text(stack, "wangwu")
    assert stack.fake.gettoken_calls == 2
    assert len(enrolments(catalogue)) == 1


def roomy(settings):
    """Settings whose per-member pace lets a walk through every menu entry go without pauses
    (the pace itself, 15 at once then one every 4 s, is tested in test_wecom_api.py)."""
    return settings.model_copy(update={"wecom": settings.wecom.model_copy(update={"per_member_per_minute": 600})})


async def test_the_application_menu_clicks_route_like_the_typed_words(dialogs, settings, catalogue):
    async with wecom_stack(dialogs, roomy(settings)) as stack:
        await walk_every_menu_entry(stack)


async def walk_every_menu_entry(stack) -> None:
    from bot.handlers.wecom.menu import menu_keys, menu_spec
    await stack.say("sunba", "你好")
    for text in ("1", "1", "1", "1", "1", "1"):                 # signs up by typed numbers
        await stack.say("sunba", text)
    assert "报名成功" in last_text(stack, "sunba")
    await stack.menu_click("sunba", "我的报名")                    # the menu below the input box
    assert "回复 1 零基础毛笔书法\n回复 2 主菜单" in last_text(stack, "sunba")
    await stack.menu_click("sunba", "主菜单")
    assert "主菜单，请回复数字选择" in last_text(stack, "sunba")
    for key in menu_keys(menu_spec()):                            # every entry gets a real answer
        before = len(stack.fake.texts("sunba"))
        await stack.menu_click("sunba", key)
        [answer] = stack.fake.texts("sunba")[before:]
        assert "没找到" not in answer and "没太明白" not in answer, key
