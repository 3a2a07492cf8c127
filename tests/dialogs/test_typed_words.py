"""An older resident types instead of tapping: the words on a button, numbers in every form, 返回,
取消, 上一页 … all mean what the screen offers. On the demo catalogue, as `linli chat` builds it."""
from __future__ import annotations

import itertools

import pytest

from bot.app import build_dialogs
from bot.dialogs.text_input import as_number
from bot.messages import Incoming
from bot.settings import load_settings
from bot.texts import t
from tests.conftest import ROOT
from tests.support.people import console_person

_users = itertools.count(1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The service's dialogs on a database with the demo catalogue."""
    path = tmp_path_factory.mktemp("words") / "words.db"
    settings = load_settings({"LINLI_CONFIG": str(ROOT / "settings.toml"), "LINLI_DATABASE__URL": f"sqlite:///{path}"})
    dialogs = build_dialogs(settings)
    yield dialogs
    dialogs.db.dispose()


@pytest.fixture
def chat(demo):
    """A resident who has just opened the chat."""
    return console_person(demo, f"words-{next(_users)}")


def at_calligraphy_course(chat) -> str:
    """服务菜单 → 文化 → 书法 → 零基础毛笔书法, all typed as words."""
    chat.say("服务菜单")
    chat.say("文化")
    chat.say("书法")
    return chat.say("零基础毛笔书法")


def test_the_words_on_the_buttons_sign_a_resident_up(chat):
    sections = chat.say("服务菜单")
    assert "1. 文化\n2. 体育\n3. 艺术\n4. 主菜单" in sections
    culture = chat.say("文化")
    assert "1. 书法 · 5门课" in culture                     # the label explains itself
    assert "零基础毛笔书法" in chat.say("书法")                # "书法" is the start of "书法 · 5门课"
    page = chat.say("零基础毛笔书法")
    assert "还剩" in page and "个名额（共" in page and "剩余名额" not in page
    assert "确认报名【零基础毛笔书法】" in chat.say("报名")    # not a search for 报名
    assert "报名成功" in chat.say("确定")                      # 确定 means 确认报名


def test_back_words_and_cancel_words_follow_the_screen(chat):
    at_calligraphy_course(chat)
    assert "书法，共 5 门课程" in chat.say("返回")
    chat.say("零基础毛笔书法")
    assert "书法，共 5 门课程" in chat.say("退回")             # 退回 = 返回
    assert "1. 书法 · 5门课" in chat.say("回去")
    chat.say("书法")
    chat.say("零基础毛笔书法")
    chat.say("我要报名")
    assert "【零基础毛笔书法】" in chat.say("不要了")            # 不要了 = 再想想: back to the course
    assert "主菜单，请回复数字选择" in chat.say("主菜单")


def test_a_section_or_a_category_typed_anywhere_opens_it(chat):
    assert "体育类，请选择项目" in chat.say("体育")
    assert "太极，共" in chat.say("太极")
    chat.say("主菜单")
    assert "书法，共 5 门课程" in chat.say("书法")


def test_page_words(chat):
    culture = chat.say("文化")
    assert "下一页" in culture and "（第 1/2 页）" in culture
    assert "（第 2/2 页）" in chat.say("下一页")
    assert "（第 1/2 页）" in chat.say("上一页")
    again = chat.say("上一页")                               # no page before the first
    assert again.startswith("这一屏没有“上一页”") and "1. 书法 · 5门课" in again


@pytest.mark.parametrize("typed", ["3", "３", "三", "第三个", "第3项", "3号", "选3", "选第三个"])
def test_a_number_in_any_form_picks_the_choice(chat, typed):
    chat.say("服务菜单")
    assert "艺术类，请选择项目" in chat.say(typed)


def test_numbers_read_as_people_write_them():
    read = {text: as_number(text) for text in ("十二", "二十", "二十三", "两", "第十二项", "零", "0", "一二", "三人")}
    assert read == {"十二": 12, "二十": 20, "二十三": 23, "两": 2, "第十二项": 12, "零": 0, "0": 0,
                    "一二": None, "三人": None}


@pytest.mark.parametrize("typed", ["0", "十二", "第九个"])
def test_zero_and_out_of_range_repeat_the_choices_in_short(chat, typed):
    chat.say("服务菜单")
    answer = chat.say(typed)
    assert answer == f"{t('bad_number', n=as_number(typed), max=4)}\n\n1. 文化\n2. 体育\n3. 艺术\n4. 主菜单"


def test_an_empty_line_keeps_the_resident_where_they_are(chat):
    assert "上课提醒" in chat.say("设置")
    answer = chat.say("   ")
    assert "关闭上课提醒" in answer and "按课程设置提醒" in answer


def test_a_picture_or_a_voice_message_gets_the_current_choices(chat, demo):
    chat.say("服务菜单")
    [reply] = demo.handle(Incoming("console", chat.user_id, unreadable=True))
    assert reply.text == t("text_only")
    assert [c.label for c in reply.choices] == ["文化", "体育", "艺术", "主菜单"]
    assert "体育类" in chat.say("2")                          # the screen is still there


def test_a_resident_sees_no_staff_entries_and_an_organizer_does(demo):
    resident = console_person(demo, f"words-{next(_users)}")
    organizer = console_person(demo, f"words-{next(_users)}", "organizer")
    seen = {}
    for who, chat in (("resident", resident), ("organizer", organizer)):
        seen[who] = chat.say("更多服务") + chat.say("下一页") + chat.say("下一页")
    for staff_entry in ("点单派单", "绑定账号", "发布与管理课程"):
        assert staff_entry not in seen["resident"] and staff_entry in seen["organizer"]
    assert "绑定码" in resident.say("绑定")                       # typed, it still works for anyone


def test_the_search_prompt_asks_for_words_not_pinyin_initials(chat):
    prompt = chat.say("搜索")
    assert "太极" in prompt and "拼音" not in prompt and "sf" not in prompt


def test_cancel_typed_while_a_step_waits_for_text_goes_home_and_keeps_nothing(chat, demo):
    from sqlmodel import select

    from store.models import Feedback
    chat.say("意见反馈")
    assert "想学什么课" in chat.say("课程需求")
    assert "主菜单，请回复数字选择" in chat.say("取消")               # not a wish that reads "取消"
    with demo.db.session() as s:
        assert s.exec(select(Feedback)).all() == []
    assert "杨式太极拳" in chat.say("太极拳")                          # typing searches again
