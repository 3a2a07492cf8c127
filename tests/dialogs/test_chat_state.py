"""One account, several chats: each chat keeps its own choices and its own expectation."""
from __future__ import annotations

from bot.messages import Incoming
from bot.texts import t

USER, GROUP = "8002", "-1001"


def private(dialogs, text: str) -> str:
    return dialogs.handle(Incoming("telegram", USER, text=text))[0].text


def in_group(dialogs, text: str) -> str:
    return dialogs.handle(Incoming("telegram", USER, text=text, chat_id=GROUP))[0].text


def test_two_chats_of_one_account_keep_separate_choices(dialogs):
    private(dialogs, "/start")
    assert private(dialogs, "设置").startswith("设置")         # 1 = 关闭上课提醒
    assert in_group(dialogs, "/menu") == t("menu_title")      # 1 = 服务菜单
    assert in_group(dialogs, "1") == t("sections_title")
    assert private(dialogs, "1") == t("reminders_turned_off")


def test_what_typed_text_means_stays_in_its_chat(dialogs):
    private(dialogs, "/start")
    private(dialogs, "反馈")
    assert "请" in private(dialogs, "1")                        # now waiting for the feedback text
    assert in_group(dialogs, "/menu") == t("menu_title")
    assert "收到您的反馈" in private(dialogs, "希望多开书法课")
