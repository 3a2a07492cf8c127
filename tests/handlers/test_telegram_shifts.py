"""志愿值班 on Telegram (the real python-telegram-bot against the fake Bot API): an organizer posts a
shift with buttons and typed answers, a volunteer signs up by button, checks in and out with the code."""
from __future__ import annotations

import re
from datetime import timedelta

from store.models.staff import ORGANIZER
from store.people import get_or_create_account
from store.roles import grant_role
from store.volunteers import approve, register
from tests.conftest import START
from tests.handlers.test_telegram_chat import Resident, catalogue, labels  # noqa: F401

BOSS, HELPER = 7101, 7102
SATURDAY_9 = START + timedelta(days=4, hours=1)


def resident_of(db, user_id: int) -> int:
    with db.session() as s:
        return get_or_create_account(s, "telegram", str(user_id))[0].resident_id


async def test_a_shift_posted_signed_up_checked_in_and_out_on_telegram(api, bot_app, dialogs, clock):
    boss, helper = Resident(api, BOSS, "陈主任"), Resident(api, HELPER, "王秀英")
    await boss.say("/start")
    await helper.say("/start")
    boss_id, helper_id = resident_of(dialogs.db, BOSS), resident_of(dialogs.db, HELPER)
    with dialogs.db.session() as s:
        grant_role(s, boss_id, ORGANIZER)
        found = register(s, helper_id, "王秀英", "福田社区", "不限", "周末", START).volunteer
        approve(s, found.id, "organizer", START)

    assert "第 1 步" in await boss.say("发布值班")
    assert "哪一天" in await boss.say("图书馆周六值班")
    assert "几点到几点" in await boss.say("周六")
    assert "哪一天" in await boss.press("返回上一步")
    await boss.say("12月5日")
    await boss.say("9:00-12:00")
    await boss.say("2")
    assert "人数：2 人" in await boss.say("区图书馆")
    posted = await boss.press("确认发布")
    code = re.search(r"签到码：(\w+)", posted).group(1)

    assert "志愿值班" in await helper.say("值班")
    assert "剩 2 个名额" in labels(helper.last)[0]
    await helper.press("12月5日（周六）09:00–12:00 图书馆周六值班")
    assert "报名成功" in await helper.press("我要报名")
    clock.set(SATURDAY_9 - timedelta(minutes=10))
    assert "签到成功" in await helper.say(f"值班签到 {code}")
    clock.set(SATURDAY_9 + timedelta(hours=3, minutes=30))
    assert "记服务 3 小时" in await helper.say(f"签退 {code}")
    assert "已经签退过了" in await helper.say(f"签退 {code}")
