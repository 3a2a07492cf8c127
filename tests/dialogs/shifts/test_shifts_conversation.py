"""志愿值班 in the chat: an organizer posts a shift step by step, volunteers sign up and withdraw, check
in and out with the code, and the hours reach 我的积分."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from sqlmodel import select

from bot.messages import Incoming
from bot.report.monthly import monthly_report
from bot.report.months import month_of
from store.models import AuditEntry, PointEntry, Shift
from store.models.staff import ORGANIZER
from store.people import get_or_create_account
from store.volunteers import approve, register
from tests.conftest import START
from tests.support.people import console_person

TZ = ZoneInfo("Asia/Shanghai")
SATURDAY_9 = START + timedelta(days=4, hours=1)  # 12月5日（周六）09:00 in Shanghai


def volunteer(dialogs, user: str, name: str):
    chat = console_person(dialogs, user)
    with dialogs.db.session() as s:
        rid = get_or_create_account(s, "console", user)[0].resident_id
        found = register(s, rid, name, "福田社区", "不限", "周末", START).volunteer
        approve(s, found.id, "organizer", START)
    return chat


def post_library_shift(boss) -> str:
    """Post 图书馆周六值班 through every step, with a wrong answer and a step back on the way."""
    assert "第 1 步" in boss.say("发布值班")
    assert "哪一天" in boss.say("图书馆周六值班")
    assert "没看懂这个日期" in boss.say("大后年")
    assert "几点到几点" in boss.say("周六")
    assert "哪一天" in boss.say("1")                     # 返回上一步
    assert "几点到几点" in boss.say("12月5日")
    assert "没看懂这个时间" in boss.say("上午")
    assert "要几个人" in boss.say("9点到12点")
    assert "在哪里" in boss.say("3")                      # the head count, not a choice
    preview = boss.say("区图书馆一楼服务台")
    assert "12月5日（周六）09:00–12:00" in preview and "人数：3 人" in preview and "区图书馆一楼服务台" in preview
    posted = boss.say("1")
    assert "已发布【图书馆周六值班】" in posted and "?start=shiftin-" in posted
    return re.search(r"签到码：(\w+)", posted).group(1)


def month_hours(dialogs, clock, tmp_path) -> object:
    """志愿服务时长 on the 总览 sheet of December's workbook."""
    with dialogs.db.session() as s:
        report = monthly_report(s, month_of(2026, 12, TZ), clock.now(), TZ, tmp_path / "month.xlsx")
    sheet = load_workbook(report.workbook)["总览"]
    return {row[0].value: row[1].value for row in sheet.iter_rows()}["志愿服务时长（小时）"]


def test_post_sign_up_check_in_and_out_credits_hours_once(dialogs, clock, tmp_path):
    boss = console_person(dialogs, "boss", ORGANIZER)
    code = post_library_shift(boss)
    people = [volunteer(dialogs, f"v{i}", name) for i, name in enumerate(["王秀英", "李建国", "张丽", "赵强"])]
    for chat in people[:3]:
        chat.say("值班")
        assert "我要报名" in chat.say("1")
        assert "报名成功" in chat.say("1")
    with dialogs.db.session() as s:
        shift_id = s.exec(select(Shift.id)).one()
    late = people[3]
    assert "（剩 0 个名额）" in late.say("值班")
    assert "我要报名" not in late.say("1")
    assert "名额已满" in dialogs.handle(Incoming("console", "v3", payload=f"shsign:{shift_id}"))[0].text
    people[0].say("值班")
    people[0].say("1")
    assert "已取消报名" in people[0].say("1")
    late.say("值班")
    late.say("1")
    assert "报名成功" in late.say("1")

    boss.say("值班")
    seen = boss.say("1")
    assert "报名的志愿者：李建国、张丽、赵强" in seen and f"签到码：{code}" in seen
    clock.set(SATURDAY_9 - timedelta(minutes=45))
    assert "还没到签到时间" in late.say(f"值班签到 {code}")
    clock.set(SATURDAY_9 - timedelta(minutes=15))
    assert "您没有报名" in people[0].say(f"值班签到 {code}")
    assert "签到成功" in late.say(f"值班签到 {code.lower()}")
    assert "不能再报名或取消" in dialogs.handle(Incoming("console", "v3", payload=f"shwd:{shift_id}"))[0].text
    assert "还没有签到" in people[1].say(f"签退 {code}")
    clock.set(SATURDAY_9 + timedelta(hours=2, minutes=50))
    assert month_hours(dialogs, clock, tmp_path) == 0
    done = late.say(f"签退 {code}")
    assert "签退成功" in done and "记服务 3 小时" in done and "积分 +3" in done
    assert "已经签退过了" in late.say(f"签退 {code}")
    assert month_hours(dialogs, clock, tmp_path) == 3
    points = late.say("我的积分")
    assert "累计服务：3 小时" in points and "值班：图书馆周六值班" in points
    home = late.say("志愿者")
    assert "累计服务：3 小时" in home and "3. 志愿值班" in home
    assert "最近没有要报名的志愿值班" in late.say("3")
    with dialogs.db.session() as s:
        assert len(s.exec(select(PointEntry)).all()) == 1
        assert "shift.post" in s.exec(select(AuditEntry.action)).all()


def test_only_approved_volunteers_see_shifts_and_residents_cannot_post(dialogs):
    resident = console_person(dialogs, "wang")
    assert "只对审核通过的志愿者开放" in resident.say("值班")
    assert "第 1 步" not in resident.say("发布值班")
    assert "签到码“NOPE99”不对" in volunteer(dialogs, "v9", "王秀英").say("值班签到 NOPE99")


def test_a_step_back_from_the_first_question_cancels_and_a_typed_deep_link_checks_in(dialogs, clock):
    boss = console_person(dialogs, "boss", ORGANIZER)
    boss.say("发布值班")
    assert "已取消发布" in boss.say("1")
    code = post_library_shift(boss)
    chat = volunteer(dialogs, "v1", "李建国")
    chat.say("值班")
    chat.say("1")
    chat.say("1")
    clock.set(SATURDAY_9)
    assert "签到成功" in chat.say(f"/start shiftin-{code}")
    clock.set(SATURDAY_9 + timedelta(hours=1, minutes=20))
    assert "记服务 1.5 小时" in chat.say(f"/start shiftout-{code}")
