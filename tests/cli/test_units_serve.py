"""Units through the `linli serve` process: the tree imported and printed by `linli`, staff granted
on a 分馆, a WeCom resident who picks their community by typing its name and sees 我家门口 first,
and their order, untaken at the 服务点, passed up to that 分馆's organizer and to no one else."""
from __future__ import annotations

from datetime import timedelta

from bot.clock import utcnow
from store.services_import import load_demo_services
from tests.fakes.wecom_stack import random_aes_key
from tests.store.test_units_import import GOOD, write_csv
from tests.support.wecom_member import WecomMember as Member
from tests.support.workers import linli_env, run_linli as linli, serving, settings_of, wecom_on


async def test_a_residents_order_goes_up_to_their_branch(sqlite_served, tmp_path, wecom_fake):
    url, db = sqlite_served
    wecom_fake.limit = 600  # wang's long conversation: no pauses of the member pace
    conf = {**wecom_on(wecom_fake, random_aes_key()),
            "UNITS__ESCALATE_AFTER_HOURS": "0.001", "UNITS__ESCALATE_CHECK_SECONDS": "0.5"}
    env = linli_env(url, tmp_path, **conf)
    status, out, err = await linli(env, "import", "units", str(write_csv(tmp_path / "units.csv", GOOD)))
    assert status == 0 and '"units_created": 7' in out, err
    status, out, err = await linli(env, "units")
    assert status == 0 and "  FG-A  甲街道分馆（分馆）\n    SP-1  一号社区（服务点）" in out, err
    for who, unit in (("orga", "FG-A"), ("orgb", "FG-B")):
        status, out, err = await linli(env, "grant", "organizer", "--channel", "wecom", "--id", who, "--unit", unit)
        assert status == 0 and f"范围：{unit}" in out, err
    status, _, err = await linli(env, "grant", "organizer", "--channel", "wecom", "--id", "x", "--unit", "NOPE")
    assert status == 2 and "没有编号为 NOPE 的单位" in err
    load_demo_services(db)
    day = utcnow() + timedelta(days=30)
    async with serving("units", url, tmp_path, **conf) as worker:
        callbacks = worker.wecom_callbacks(settings_of(**conf))
        wang = Member(callbacks, wecom_fake, "wang")
        orga, orgb = Member(callbacks, wecom_fake, "orga"), Member(callbacks, wecom_fake, "orgb")
        await wang.say("你好", expect="欢迎")
        await wang.say("我的社区", expect="请先选街道")
        await wang.say("二号社区", expect="您的社区是【二号社区】")
        picker = await wang.say("近期活动", expect="我家门口的排在前面")
        assert picker.index("我的社区：二号社区") < picker.index("本街道：甲街道分馆") < picker.index("今天")

        await wang.say("点单", expect="送电影")
        await wang.say("2", expect="1/6")
        await wang.say("二号社区", expect="2/6")
        await wang.say("文化广场", expect="3/6")
        await wang.say(f"{day.month}月{day.day}日晚上", expect="4/6")
        await wang.say("80", expect="5/6")
        await wang.say("王阿姨", expect="6/6")
        await wang.say("13812345678", expect="确认提交")
        placed = await wang.say("1", expect="单号：")
        number = placed.split("单号：")[1][:14]

        escalated = await orga.sees("转来的点单")
        assert number in escalated and "二号社区" in escalated
        assert number in await orga.say("/orders", expect=number)
        assert number not in await orgb.say("/orders", expect="没有待办的点单")
        assert not any("转来的点单" in text for text in wecom_fake.texts("orgb"))
