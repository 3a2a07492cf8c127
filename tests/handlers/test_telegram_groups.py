"""Grid notices on Telegram: the real python-telegram-bot against the fake Bot API, the bot in three
community groups bound by code, a notice composed in private chat and delivered by the outbox."""
from __future__ import annotations

import re
import time
from datetime import timedelta
from itertools import count

import pytest
from sqlmodel import select

from bot.app import build_worker
from bot.handlers.telegram.sender import TelegramSender
from bot.texts import t
from store.models import AuditEntry
from store.roles import new_invite
from tests.conftest import START
from tests.support.replies import replies_settled
from tests.support.telegram_app import polling
from tests.fakes.telegram_api import FakeBotApi, button_rows

WORKER, NEIGHBOUR = 8001, 8002
GROUPS = {-1001: "幸福社区一群", -1002: "幸福社区二群", -1003: "幸福社区三群"}
KICKED = "Forbidden: bot was kicked from the group chat"
_update_ids = count(900_000)


@pytest.fixture
async def group_api():
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def group_app(group_api, dialogs, settings):
    async with polling(dialogs, settings, group_api) as app:
        yield app


@pytest.fixture
def outbox(group_app, sqlite_db, settings, clock):
    """The outbox worker sending through the bot the adapter uses, on the test's clock."""
    return build_worker(sqlite_db, settings, {"telegram": TelegramSender(group_app.bot)}, clock=clock)


class ChatUser:
    """One person in their private chat with the bot."""

    def __init__(self, api: FakeBotApi, user_id: int, name: str):
        self.api, self.user_id, self.name = api, user_id, name

    @property
    def last(self) -> dict:
        return self.api.sent_to(self.user_id)[-1]

    async def say(self, text: str) -> str:
        before = len(self.api.sent_to(self.user_id))
        self.api.push_text(self.user_id, text, first_name=self.name)
        return await self._answer(before)

    async def press(self, label: str) -> str:
        message = self.last
        before = len(self.api.sent_to(self.user_id))
        self.api.push_callback(self.user_id, message["message_id"], _data(message, label),
                               first_name=self.name)
        return await self._answer(before)

    async def _answer(self, before: int) -> str:
        await self.api.wait_for_messages(self.user_id, before + 1)
        return self.last.get("text", "")


def _data(message: dict, label: str) -> str:
    for row in button_rows(message):
        for button in row:
            shown = button["text"].split(". ", 1)[1]
            if shown == label or shown.startswith((label + " · ", label + "（")):
                return button["callback_data"]
    raise AssertionError(f"no button {label!r} in {[b['text'] for r in button_rows(message) for b in r]}")


def membership(api: FakeBotApi, chat_id: int, old: str, new: str) -> None:
    """The bot's own status in a group changed (added: left → member; removed: → kicked)."""
    bot = {"id": api.bot_id, "is_bot": True, "first_name": "邻里", "username": api.username}
    status = {"user": bot, "status": new, **({"until_date": 0} if new == "kicked" else {})}
    api.push_update({"update_id": next(_update_ids), "my_chat_member": {
        "chat": {"id": chat_id, "type": "group", "title": GROUPS[chat_id]},
        "from": {"id": WORKER, "is_bot": False, "first_name": "张"}, "date": int(time.time()),
        "old_chat_member": {"user": bot, "status": old}, "new_chat_member": status}})


async def grid_worker(api: FakeBotApi, db) -> ChatUser:
    """张网格员, grid worker of 幸福社区 by invite code."""
    with db.session() as s:
        code = new_invite(s, "grid_staff", "幸福社区", now=START).code
    worker = ChatUser(api, WORKER, "张网格员")
    await worker.say("/start")
    assert "网格员" in await worker.say(f"邀请码 {code}")
    return worker


async def bind_groups(api: FakeBotApi, worker: ChatUser) -> None:
    """The bot is added to every group, says hello, and the worker binds each with a fresh code."""
    for chat_id, title in GROUPS.items():
        api.add_group(chat_id, title)
        membership(api, chat_id, "left", "member")
        [hello] = await api.wait_for_messages(chat_id, 1)
        assert "/bindcode" in hello["text"]
        assert "要绑定哪个社区的群" in await worker.say("/bindcode")
        await worker.press("幸福社区")
        answer = await worker.press("整个社区（不分网格）")
        code = re.search(r"绑定码：([A-Z0-9]{6})", answer).group(1)
        api.push_text(WORKER, f"/bind {code}", chat_id=chat_id, first_name="张网格员")
        bound = (await api.wait_for_messages(chat_id, 2))[-1]
        assert bound["text"] == "本群已绑定到：幸福社区。以后的社区通知会发到本群。"


async def compose(worker: ChatUser, text: str, groups: int, *, when: str | None = None,
                  urgent: bool = False) -> str:
    """A notice to the whole community through the buttons; the answer to 确认发送."""
    assert "请输入通知内容" in await worker.say("/notice")
    assert "发给哪些群" in await worker.say(text)
    await worker.press(f"幸福社区（全部 {groups} 个群）")
    if when is None:
        await worker.press("现在发送")
    else:
        assert "请输入发送时间" in await worker.press("定时发送")
        assert "是紧急通知吗" in await worker.say(when)
    preview = await worker.press("紧急通知" if urgent else "普通通知")
    assert f"群聊：{groups} 个" in preview and text in preview
    return await worker.press("确认发送")


def notice_texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [m["text"] for m in api.sent_to(chat_id) if m.get("text", "").startswith("【")]


async def test_two_groups_get_the_notice_and_the_one_that_removed_the_bot_is_reported(
        group_api, group_app, outbox, sqlite_db):
    worker = await grid_worker(group_api, sqlite_db)
    await bind_groups(group_api, worker)
    group_api.fail_chat(-1003, description=KICKED)  # removed the bot while nobody was looking
    done = await compose(worker, "本周六上午9点社区广场义诊，请带医保卡。", 3)
    assert "已安排发送：3 个群" in done
    assert all(notice_texts(group_api, chat_id) == [] for chat_id in GROUPS)  # nothing before the tick
    result = await outbox.drain()
    assert (result.sent, result.dead) == (2, 1)
    for chat_id in (-1001, -1002):
        assert notice_texts(group_api, chat_id) == ["【幸福社区通知】\n本周六上午9点社区广场义诊，请带医保卡。"]
    assert notice_texts(group_api, -1003) == []
    assert [c.status for c in group_api.calls_of("sendMessage") if c.params["chat_id"] == -1003][-1] == 403
    listing = await worker.say("/notices")
    assert "已送达 2，失败 1，等待 0" in listing
    report = await worker.press("第 1 条：幸福社区")
    assert "✅ 幸福社区一群：已送达" in report and "✅ 幸福社区二群：已送达" in report
    assert f"❌ 幸福社区三群：未送达，机器人已被移出群聊（{KICKED}）" in report
    # The next notice leaves the group out: it no longer takes messages.
    assert "已安排发送：2 个群" in await compose(worker, "下周一停水。", 2)


async def test_a_group_that_removes_the_bot_is_marked_and_skipped(group_api, group_app, sqlite_db):
    worker = await grid_worker(group_api, sqlite_db)
    await bind_groups(group_api, worker)
    membership(group_api, -1002, "member", "kicked")
    await group_api.wait_until(lambda: _removed(sqlite_db, GROUPS[-1002]))
    assert "已安排发送：2 个群" in await compose(worker, "周日社区电影。", 2)


def _removed(db, title: str) -> bool:
    from store.models import CommunityGroup
    with db.session() as s:
        group = s.exec(select(CommunityGroup).where(CommunityGroup.title == title)).first()
        return group is not None and not group.active and group.removed_at is not None


async def test_a_resident_typing_notice_is_refused_and_audited(group_api, group_app, sqlite_db):
    neighbour = ChatUser(group_api, NEIGHBOUR, "李阿姨")
    await neighbour.say("/start")
    assert "只对工作人员开放" in await neighbour.say("/notice")
    group_api.push_text(NEIGHBOUR, "/bind ABCDEF", chat_id=-1001, first_name="李阿姨")
    [answer] = await group_api.wait_for_messages(-1001, 1)
    assert "只对工作人员开放" in answer["text"]
    with sqlite_db.session() as s:
        refused = s.exec(select(AuditEntry.target).where(AuditEntry.action == "refused")).all()
    assert refused == ["notice.compose", "group.bind"]


async def test_a_scheduled_notice_cancelled_before_it_goes_is_never_sent(
        group_api, group_app, outbox, sqlite_db, clock):
    worker = await grid_worker(group_api, sqlite_db)
    await bind_groups(group_api, worker)
    assert "12月2日（周三）18:00" in await compose(worker, "周三晚上书法展开幕。", 3, when="明天 18:00")
    assert (await outbox.drain()).claimed == 0  # not due yet
    await worker.say("/notices")
    assert "等待 3" in await worker.press("第 1 条：幸福社区")
    assert "确定取消这条通知吗" in await worker.press("取消这条通知")
    assert "已取消，还有 3 处不会再发送" in await worker.press("确定取消")
    await replies_settled(sqlite_db)
    clock.set(START + timedelta(days=2))
    assert (await outbox.drain()).claimed == 0
    assert all(notice_texts(group_api, chat_id) == [] for chat_id in GROUPS)


async def test_an_urgent_notice_goes_at_night_and_a_normal_one_waits_for_morning(
        group_api, group_app, outbox, sqlite_db, clock):
    worker = await grid_worker(group_api, sqlite_db)
    await bind_groups(group_api, worker)
    await replies_settled(sqlite_db)
    clock.set(START + timedelta(hours=14))  # 22:00 in Shanghai: quiet hours
    await compose(worker, "今晚大风，请收好阳台花盆！", 3, urgent=True)
    await compose(worker, "明天上午社区义剪。", 3)
    result = await outbox.drain()
    assert (result.sent, result.deferred) == (3, 3)
    assert notice_texts(group_api, -1001) == ["【紧急通知｜幸福社区】\n今晚大风，请收好阳台花盆！"]
    clock.set(START + timedelta(days=1))  # 08:00 the next morning
    assert (await outbox.drain()).sent == 3
    assert notice_texts(group_api, -1001)[-1] == "【幸福社区通知】\n明天上午社区义剪。"


async def test_a_number_typed_in_a_group_answers_the_group_screen_and_the_private_one_stays_apart(
        group_api, group_app):
    neighbour = ChatUser(group_api, NEIGHBOUR, "李阿姨")
    await neighbour.say("/start")
    assert (await neighbour.say("设置")).startswith("设置")      # private chat: 1 = 关闭上课提醒
    group_api.push_text(NEIGHBOUR, "/menu", chat_id=-1001, first_name="李阿姨")
    [menu] = await group_api.wait_for_messages(-1001, 1)       # the group: 1 = 服务菜单
    assert menu["text"] == t("menu_title")
    group_api.push_text(NEIGHBOUR, "1", chat_id=-1001, first_name="李阿姨", reply_to=menu)
    sections = (await group_api.wait_for_messages(-1001, 2))[-1]
    assert sections["text"] == t("sections_title")              # not the private screen's 1
    assert await neighbour.say("1") == t("reminders_turned_off")  # not the group screen's 1 (文化)
    group_api.push_callback(NEIGHBOUR, sections["message_id"], _data(sections, "主菜单"), chat_id=-1001)
    assert (await group_api.wait_for_messages(-1001, 3))[-1]["text"] == t("menu_title")
    assert neighbour.last["text"] == t("reminders_turned_off")  # the press answered in the group only
