"""Customer groups through the `linli serve` process: `linli group sync` and `bind` as commands,
a grid worker's notice to two customer groups becomes one 群发 task at the fake WeCom, the worker
is told to confirm, the report shows 待确认 and, once the worker confirms, 已发送; a resident who
adds the worker by a 联系我 code is linked to the community."""
from __future__ import annotations

from sqlmodel import select

from bot.clock import utcnow
from store.models import CustomerGroupSend, ExternalContact
from store.models.customer_groups import SENT
from store.roles import new_invite
from tests.fakes.wecom_stack import random_aes_key
from tests.support.waiting import wait_until
from tests.support.wecom_member import ARRIVES_WITHIN, WecomMember, choice
from tests.support.workers import linli_env, run_linli, serving, settings_of, wecom_on


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
        laoli = WecomMember(worker.wecom_callbacks(settings_of(**conf)), wecom_fake, "laoli")
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
