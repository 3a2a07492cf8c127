"""Customer groups through the `linli serve` process: `linli group sync` and `bind` as commands,
a grid worker's notice to two customer groups becomes one 群发 task at the fake WeCom, the worker
is told to confirm, the report shows 待确认 and, once the worker confirms, 已发送; a resident who
adds the worker by a 联系我 code is linked to the community."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlmodel import select

from bot.clock import utcnow
from store.models import CustomerGroupSend, ExternalContact
from store.models.customer_groups import SENT
from store.roles import new_invite
from tests.fakes.wecom_api import FakeWecomApi
from tests.fakes.wecom_callbacks import FakeWecomCallbacks
from tests.fakes.wecom_stack import random_aes_key
from tests.support.waiting import wait_until
from tests.support.workers import linli_env, migrated_database, run_linli, serving, settings_of, wecom_on

ARRIVES_WITHIN = 20.0  # seconds; generous for a loaded machine, never waited out when things work


@pytest.fixture
def sqlite_served(tmp_path):
    """A migrated SQLite file shared by the test and the process: (url, database)."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    db = migrated_database(url)
    yield url, db
    db.dispose()


@dataclass
class Member:
    """A WeCom member typing to the application through signed, encrypted callbacks."""

    callbacks: FakeWecomCallbacks
    fake: FakeWecomApi
    user: str

    async def say(self, text: str, expect: str) -> str:
        """Type text; the first new message containing expect."""
        seen = len(self.fake.texts(self.user))
        assert (await self.callbacks.send_text(self.user, text)).status == 200
        return await self.sees(expect, after=seen)

    async def sees(self, part: str, after: int = 0) -> str:
        """Wait for a text containing part (among those after the first `after`)."""
        def found() -> str | None:
            return next((t for t in self.fake.texts(self.user)[after:] if part in t), None)
        await wait_until(lambda: found() is not None, ARRIVES_WITHIN,
                         what=lambda: f"{self.user} to get {part!r}; got {self.fake.texts(self.user)[after:]}")
        return found()


def choice(text: str, label_part: str) -> str:
    """The number to type for the choice whose label holds label_part ('回复 2 普通通知')."""
    for number, label in re.findall(r"回复 (\d+) (.+)", text):
        if label_part in label:
            return number
    raise AssertionError(f"no choice {label_part!r} in {text!r}")


def sent_groups(db) -> int:
    with db.session() as s:
        return len(s.exec(select(CustomerGroupSend).where(CustomerGroupSend.status == SENT)).all())


async def test_a_grid_notice_to_two_customer_groups_is_one_task_reported_unconfirmed_then_sent(
        sqlite_served, tmp_path, wecom_fake):
    url, db = sqlite_served
    wecom_fake.limit = 600  # laoli's long conversation: no pauses of the member pace
    conf = {**wecom_on(wecom_fake, random_aes_key()), "WECOM__GROUP_TASK_CHECK_SECONDS": "0.5"}
    env = linli_env(url, tmp_path, **conf)
    wecom_fake.add_customer_group("wrHP1", "和平一群", "laoli", members=150)
    wecom_fake.add_customer_group("wrHP2", "和平二群", "laoli", members=90)
    with db.session() as s:
        code = new_invite(s, "grid_staff", "和平社区", now=utcnow()).code
    async with serving("wecom-customer-groups", url, tmp_path, **conf) as worker:
        laoli = Member(worker.wecom_callbacks(settings_of(**conf)), wecom_fake, "laoli")
        await laoli.say("你好", expect="欢迎")
        await laoli.say(f"邀请码 {code}", expect="网格员")

        status, out, err = await run_linli(env, "group", "sync")
        assert status == 0, err
        assert "客户群 2 个" in out and "wrHP1\t和平一群\t群主 laoli\t150 人\t未绑定" in out
        for chat in ("wrHP1", "wrHP2"):
            status, out, err = await run_linli(env, "group", "bind", chat, "--community", "和平社区")
            assert status == 0, err
        status, _, err = await run_linli(env, "group", "bind", "wrNOPE", "--community", "和平社区")
        assert status == 2 and "没有这个客户群" in err

        await laoli.say("发通知", expect="请输入通知内容")
        targets = await laoli.say("周六上午九点社区广场义诊，请带医保卡。", expect="发给哪些群")
        when = await laoli.say(choice(targets, "和平社区（全部 2 个群"), expect="什么时候发")
        urgency = await laoli.say(choice(when, "现在发送"), expect="是紧急通知吗")
        preview = await laoli.say(choice(urgency, "普通通知"), expect="群聊：2 个")
        await laoli.say(choice(preview, "确认发送"), expect="已安排发送")
        await laoli.sees("群发助手")
        [task] = wecom_fake.tasks_of("laoli")
        assert task["chat_id_list"] == ["wrHP1", "wrHP2"]
        assert task["text"]["content"] == "【和平社区通知】\n周六上午九点社区广场义诊，请带医保卡。"

        listing = await laoli.say("通知记录", expect="待群主确认 2")
        report = await laoli.say(choice(listing, "和平社区"), expect="客户群")
        assert "和平一群（客户群）：待确认" in report and "和平二群（客户群）：待确认" in report

        wecom_fake.confirm_task(task["msgid"])  # laoli presses 发送 in WeCom's 群发助手
        await wait_until(lambda: sent_groups(db) == 2, ARRIVES_WITHIN, what="the watch to read 已发送")
        listing = await laoli.say("通知记录", expect="已送达 2")
        report = await laoli.say(choice(listing, "和平社区"), expect="客户群")
        assert "和平一群（客户群）：已发送" in report and "和平二群（客户群）：已发送" in report
        assert len(wecom_fake.tasks_of("laoli")) == 1


async def test_a_resident_added_by_the_contact_way_code_belongs_to_the_community(sqlite_served, tmp_path, wecom_fake):
    url, db = sqlite_served
    conf = wecom_on(wecom_fake, random_aes_key())
    env = linli_env(url, tmp_path, **conf)
    async with serving("wecom-contact-way", url, tmp_path, **conf) as worker:
        status, out, err = await run_linli(env, "group", "contact-way", "--community", "和平社区", "--user", "laoli")
        assert status == 0, err
        [way] = wecom_fake.contact_ways
        assert way["qr_code"] in out
        callbacks = worker.wecom_callbacks(settings_of(**conf))
        posted = await callbacks.post(callbacks.contact_added_xml("laoli", "wmAUNT", way["state"]))
        assert posted.status == 200

        def linked() -> list[tuple[str, str]]:
            with db.session() as s:
                return [(c.external_userid, c.community) for c in s.exec(select(ExternalContact))]
        await wait_until(lambda: linked() == [("wmAUNT", "和平社区")], ARRIVES_WITHIN, what="the resident linked")
