"""Residents chatting with the bot on Telegram: the real python-telegram-bot against a fake Bot API."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from bot.handlers.telegram.lean_bot import LeanBot
from telegram.error import Forbidden, RetryAfter

from bot.app import build_service
from bot.messages import Choice, Reply
from bot.texts import t
from bot.handlers.telegram.render import render_keyboard, send_reply, split_text
from tests.conftest import START
from tests.fakes.telegram_api import FakeBotApi, UploadedFile, button_rows
from tests.support.catalog import add_course
from tests.support.telegram_app import telegram_settings

WANG, LI, ZHAO = 7001, 7002, 7003  # three residents' Telegram user ids
GROUP = -100200


@pytest.fixture
def catalogue(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", category="书法", capacity=2,
               first_start=START + timedelta(days=1, hours=1), teacher="林秀兰老师",
               venue="和平街道文化站", address="和平街道幸福路 88 号", description="从握笔开始。")
    add_course(sqlite_db, "WH-SF-02", "硬笔书法提高班", category="书法", capacity=1,
               first_start=START + timedelta(days=3, hours=6), teacher="周明老师")
    add_course(sqlite_db, "TY-TJ-01", "杨式太极拳（24式）", category="太极", section="体育",
               first_start=START + timedelta(days=2), teacher="赵德胜老师")
    return sqlite_db


class Resident:
    """One person in their private chat with the bot."""

    def __init__(self, api: FakeBotApi, user_id: int, name: str = "王阿姨"):
        self.api, self.user_id, self.name = api, user_id, name

    @property
    def seen(self) -> list[dict]:
        """Every answer, as it was shown: a new message, or a screen replaced in place."""
        return self.api.answers_to(self.user_id)

    @property
    def last(self) -> dict:
        return self.seen[-1]

    async def say(self, text: str) -> str:
        """Type a line; the bot's answer."""
        before = len(self.seen)
        self.api.push_text(self.user_id, text, first_name=self.name)
        return await self._answer(before)

    async def press(self, label: str, message: dict | None = None) -> str:
        """Press the button with this label (under the last message unless told); the answer."""
        message = message or self.last
        data = button_data(message, label)
        before = len(self.seen)
        self.api.push_callback(self.user_id, message["message_id"], data, first_name=self.name)
        return await self._answer(before)

    async def _answer(self, before: int) -> str:
        await self.api.wait_for_answers(self.user_id, before + 1)
        return self.last.get("text") or self.last.get("caption", "")


def labels(message: dict) -> list[str]:
    return [button["text"] for row in button_rows(message) for button in row]


def button_data(message: dict, label: str) -> str:
    """The callback data of the button '3. 我的报名' (label '我的报名'; '书法' also finds '书法 · 2门课')."""
    for row in button_rows(message):
        for button in row:
            shown = button["text"].split(". ", 1)[1]
            if shown == label or shown.startswith((label + " · ", label + "（")):
                return button["callback_data"]
    raise AssertionError(f"no button {label!r} in {labels(message)}")


async def test_start_greets_with_the_main_menu(api, bot_app):
    wang = Resident(api, WANG)
    answer = await wang.say("/start")
    assert "欢迎来到邻里文体服务" in answer
    assert labels(wang.last)[:4] == ["1. 服务菜单", "2. 搜索", "3. 我的报名", "4. 帮助"]
    assert len(button_rows(wang.last)[0]) == 2  # short labels: two big buttons a row


async def test_browse_and_sign_up_by_pressing_buttons(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    assert "请选择类别" in await wang.press("服务菜单")
    assert "文化类" in await wang.press("文化")
    assert "书法，共 2 门课程" in await wang.press("书法")
    assert labels(wang.last)[:2] == ["1. 零基础毛笔书法", "2. 硬笔书法提高班"]
    assert all(len(row) == 1 for row in button_rows(wang.last))  # long labels: one a row
    page = await wang.press("零基础毛笔书法")
    assert "讲师：林秀兰老师" in page and "还剩 2 个名额（共 2 个）" in page
    assert "12月2日（周三）09:00–10:30" in page
    confirm = await wang.press("报名")
    assert "确认报名【零基础毛笔书法】" in confirm and "共 4 次课" in confirm
    done = await wang.press("确认报名")
    assert "报名成功" in done
    assert "12月2日（周三）09:00" in done and "和平街道文化站（和平街道幸福路 88 号）" in done


async def test_pressed_keyboards_are_taken_away(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    menu = wang.last
    await wang.press("帮助")
    await api.wait_until(lambda: "reply_markup" not in api.message(WANG, menu["message_id"]))
    assert "reply_markup" in api.message(WANG, wang.last["message_id"])  # the new one keeps its own


async def test_old_sign_up_button_pressed_again_says_already(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    for label in ("服务菜单", "文化", "书法", "零基础毛笔书法", "报名"):
        await wang.press(label)
    confirmation = wang.last
    assert "报名成功" in await wang.press("确认报名")
    again = await wang.press("确认报名", message=confirmation)
    assert "已经报名【零基础毛笔书法】" in again


async def test_a_failed_keyboard_removal_does_not_stop_the_chat(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    api.fail_next("editMessageReplyMarkup", status=400, description="Bad Request: message can't be edited")
    assert "请选择类别" in await wang.press("服务菜单")


async def test_typed_numbers_work_like_buttons(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    assert "请选择类别" in await wang.say("1")
    assert "文化类" in await wang.say("1")
    assert "书法，共 2 门课程" in await wang.say("1")
    assert "【零基础毛笔书法】" in await wang.say("1")
    assert "没有第 9 项" in await wang.say("9")


async def test_search_by_typo_and_pinyin(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    assert "请输入想找的课程" in await wang.press("搜索")
    assert "为您找到这些" in await wang.say("书发")  # a slip of the pinyin keyboard
    assert "零基础毛笔书法" in [label.split(". ", 1)[1] for label in labels(wang.last)]
    assert "为您找到这些" in await wang.say("shufa")  # any text searches, no button needed
    assert "硬笔书法提高班" in [label.split(". ", 1)[1] for label in labels(wang.last)]
    assert "【零基础毛笔书法】" in await wang.press("零基础毛笔书法")


async def test_my_signups_shows_the_course_and_cancels(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    assert "您还没有报名" in await wang.press("我的报名")
    for label in ("服务菜单", "文化", "书法", "零基础毛笔书法", "报名", "确认报名"):
        await wang.press(label)
    mine = await wang.press("我的报名")
    assert labels(wang.last) == ["1. 零基础毛笔书法", "2. 主菜单"]
    course = await wang.press("零基础毛笔书法")
    assert "您已报名" in course and "下次上课：12月2日（周三）09:00" in course and "讲师：林秀兰老师" in course
    assert labels(wang.last) == ["1. 请假（12月2日）", "2. 取消报名", "3. 返回我的报名", "4. 主菜单"]
    assert "确定取消【零基础毛笔书法】" in await wang.press("取消报名")
    assert "已取消【零基础毛笔书法】的报名" in await wang.press("确定取消")
    assert "您还没有报名" in await wang.say("我的报名")


async def test_the_same_update_twice_gets_one_answer(api, bot_app):
    wang = Resident(api, WANG)
    update = api.push_text(WANG, "/start")
    api.push_update(update)  # delivered again, as after a crash before the offset was confirmed
    api.push_text(WANG, "帮助")
    # One resident's updates are handled in order, so the duplicate is done once help is answered.
    await api.wait_until(lambda: any("怎么用" in m["text"] for m in wang.seen))
    assert [m["text"][:8] for m in wang.seen] == ["您好，欢迎来到邻", "怎么用：\n· 回"]


async def test_a_full_course_puts_the_next_resident_on_the_waiting_list(api, bot_app):
    wang, li = Resident(api, WANG), Resident(api, LI, "李大爷")
    for person in (wang, li):
        await person.say("/start")
        for label in ("服务菜单", "文化", "书法"):
            await person.press(label)
        page = await person.press("硬笔书法提高班")
        if person is li:
            assert "名额已满" in page and "已满，可候补" in page
            assert "确认加入候补" in await person.press("报名候补")
            assert "排在第 1 位" in await person.press("确认候补")
        else:
            await person.press("报名")
            assert "报名成功" in await person.press("确认报名")
    await li.say("我的报名")
    assert labels(li.last) == ["1. 硬笔书法提高班 · 候补第1位", "2. 主菜单"]
    assert "您在候补名单第 1 位" in await li.say("1")


async def test_a_slow_resident_does_not_hold_up_others(api, bot_app, dialogs):
    wang, li = Resident(api, WANG), Resident(api, LI)
    release = threading.Event()
    take_turn = dialogs.take_turn

    def slow_for_wang(incoming):
        if incoming.user_id == str(WANG):
            release.wait(5)
        return take_turn(incoming)

    dialogs.take_turn = slow_for_wang
    try:
        api.push_text(WANG, "/start")
        assert "欢迎" in await li.say("/start")
        assert wang.seen == []
    finally:
        release.set()
    await api.wait_for_messages(WANG, 1)


async def test_in_a_group_only_commands_and_replies_to_the_bot_count(api, bot_app):
    api.push_text(ZHAO, "大家好", chat_id=GROUP)
    api.push_text(ZHAO, "/start@some_other_bot", chat_id=GROUP)
    api.push_text(ZHAO, f"/start@{api.username}", chat_id=GROUP)
    [menu] = await api.wait_for_messages(GROUP, 1)
    assert "欢迎" in menu["text"]
    api.push_text(ZHAO, "帮助", chat_id=GROUP, reply_to=menu)
    answers = await api.wait_for_messages(GROUP, 2)
    assert "怎么用" in answers[1]["text"]
    assert len(api.sent_to(GROUP)) == 2 and api.sent_to(ZHAO) == []


# -- rendering, without a conversation ------------------------------------------------------------

def test_keyboard_numbers_its_buttons():
    reply = Reply("?", (Choice("零基础毛笔书法", "crs:WH-SF-01"), Choice("返回", "cat:1")))
    rows = render_keyboard(reply)["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows] == [["1. 零基础毛笔书法"], ["2. 返回"]]
    assert rows[0][0]["callback_data"] == "crs:WH-SF-01"
    assert render_keyboard(Reply("no choices")) is None


def test_long_text_is_split_at_line_ends():
    text = "\n".join(f"第{i}行" + "字" * 60 for i in range(200))
    parts = split_text(text)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text
    assert [len(p) for p in split_text("字" * 5000)] == [4096, 904]


async def test_send_reply_splits_text_and_uploads_pictures(api, tmp_path):
    picture = tmp_path / "poster.png"
    picture.write_bytes(b"\x89PNG fake")
    menu = (Choice("主菜单", "menu"),)
    async with LeanBot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        await send_reply(bot, WANG, Reply("字" * 5000, menu))
        await send_reply(bot, WANG, Reply("新年书法展", menu, picture=str(picture)))
    long1, long2, photo = api.sent_to(WANG)
    assert "reply_markup" not in long1 and labels(long2) == ["1. 主菜单"]
    assert photo["caption"] == "新年书法展" and labels(photo) == ["1. 主菜单"]
    upload = api.calls_of("sendPhoto")[0].params["photo"]
    assert isinstance(upload, UploadedFile) and upload.data == b"\x89PNG fake"


async def test_failures_can_be_scripted(api, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta, no warning
    api.fail_next("sendMessage", status=429, retry_after=3)
    api.fail_next("sendMessage", status=403)
    async with LeanBot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        with pytest.raises(RetryAfter) as hit:
            await send_reply(bot, WANG, Reply("提醒"))
        assert hit.value.retry_after == timedelta(seconds=3)
        with pytest.raises(Forbidden, match="blocked"):
            await send_reply(bot, WANG, Reply("提醒"))
        await send_reply(bot, WANG, Reply("提醒"))
    assert [c.status for c in api.calls_of("sendMessage")] == [429, 403, 200]


def keyboard_words(api: FakeBotApi, chat_id: int) -> list[list[str]]:
    """The reply keyboard under a chat's input box, as the words on its keys."""
    return [[key["text"] if isinstance(key, dict) else key for key in row] for row in api.keyboards.get(chat_id, [])]


async def test_start_puts_the_menu_under_the_input_box_and_its_keys_send_their_words(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    assert keyboard_words(api, WANG) == [["主菜单", "我的报名", "帮助"]]
    assert "您还没有报名" in await wang.say("我的报名")            # what the key sends
    for label in ("服务菜单", "文化", "书法", "零基础毛笔书法", "报名", "确认报名"):
        await wang.press(label)
    await wang.say("我的报名")
    assert labels(wang.last) == ["1. 零基础毛笔书法", "2. 主菜单"]
    assert "怎么用" in await wang.say("帮助")
    assert "主菜单，请回复数字选择" in await wang.say("主菜单")


async def test_a_start_delivered_twice_shows_the_menu_keyboard_once(api, bot_app):
    wang = Resident(api, WANG)
    update = api.push_text(WANG, "/start", first_name=wang.name)
    await api.wait_until(lambda: any("欢迎" in m["text"] for m in wang.seen))
    api.push_update(update)                              # Telegram sends the same update again
    await wang.say("帮助")                                # answered after the repeat was handled
    assert len(api.keyboard_messages) == 1
    assert sum("欢迎" in m["text"] for m in wang.seen) == 1


async def test_the_words_on_a_button_typed_do_what_the_button_does(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    await wang.say("服务菜单")
    await wang.say("文化")
    await wang.say("书法")
    assert "【零基础毛笔书法】" in await wang.say("第一个")
    assert "确认报名【零基础毛笔书法】" in await wang.say("报名")
    assert "报名成功" in await wang.say("确定")


async def test_a_voice_message_or_a_sticker_gets_the_current_choices(api, bot_app):
    wang = Resident(api, WANG)
    await wang.say("/start")
    await wang.say("服务菜单")
    for content in ({"voice": {"file_id": "v1", "file_unique_id": "u-v1", "duration": 3}},
                    {"sticker": {"file_id": "s1", "file_unique_id": "u-s1", "type": "regular", "width": 512,
                                 "height": 512, "is_animated": False, "is_video": False}},
                    {"location": {"latitude": 30.5, "longitude": 114.3}}):
        before = len(wang.seen)
        api.push_message(WANG, **content)
        await api.wait_for_messages(WANG, before + 1)
        assert wang.last["text"] == t("text_only")
        assert labels(wang.last) == ["1. 文化", "2. 体育", "3. 艺术", "4. 主菜单"]


async def test_the_service_sets_the_bot_command_menu_when_it_starts(api, dialogs, settings, catalogue):
    service = build_service(telegram_settings(settings, api), dialogs=dialogs)
    [telegram] = [parts for parts in service.channels if parts.name == "telegram"]
    await telegram.start()
    try:
        assert [(c["command"], c["description"]) for c in api.commands] == [
            ("start", "主菜单"), ("my", "我的报名"), ("browse", "服务菜单"), ("help", "帮助")]
    finally:
        await telegram.stop_intake()
        await telegram.stop()
        await telegram.close()
