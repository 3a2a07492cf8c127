"""Volunteers in the chat: register, get approved, earn points, redeem, and the organizer's side."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.messages import Incoming
from bot.handlers.console import ConsoleChat
from store.models import AuditEntry, PointEntry, Redemption, Reward, Volunteer
from store.models.staff import ORGANIZER, VOLUNTEER
from store.people import get_or_create_account
from store.points import balance
from store.rewards import load_demo_rewards
from store.roles import has_role
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.support.catalog import add_course
from tests.support.people import console_person


@pytest.fixture
def world(sqlite_db):
    add_course(sqlite_db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(days=1))
    load_demo_rewards(sqlite_db)
    return sqlite_db


@pytest.fixture
def resident(dialogs, world):
    return console_person(dialogs, "wang")


@pytest.fixture
def organizer(dialogs, world):
    return console_person(dialogs, "organizer", ORGANIZER)


def resident_id(dialogs, user: str) -> int:
    with dialogs.db.session() as s:
        return get_or_create_account(s, "console", user)[0].resident_id


def register(chat: ConsoleChat) -> str:
    chat.say("志愿者")
    assert "第 1 步" in chat.say("1")              # 志愿者登记
    assert "幸福社区" in chat.say("王秀英")
    assert "特长" in chat.say("1")                 # 幸福社区
    assert "1. 工作日白天" in chat.say("书法、唱歌")
    summary = chat.say("3")                        # 周末
    assert "姓名：王秀英" in summary and "社区：幸福社区" in summary and "服务时间：周末" in summary
    return chat.say("1")                           # 确认提交


def approve(organizer: ConsoleChat) -> str:
    assert "1. 王秀英（幸福社区）" in organizer.say("/volunteers")
    assert "特长：书法、唱歌" in organizer.say("1")
    return organizer.say("1")                      # 通过


def test_register_approve_credit_redeem_and_hand_out(dialogs, resident, organizer):
    assert "已提交" in register(resident)
    assert "审核中" in resident.say("志愿者")

    assert "已通过【王秀英】" in approve(organizer)
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "volunteer" and "志愿者登记已通过" in push.text
    with dialogs.db.session() as s:
        assert has_role(s, resident_id(dialogs, "wang"), VOLUNTEER)

    assert "1. 王秀英（幸福社区）" in organizer.say("/credit")
    assert "记多少分" in organizer.say("1")
    assert "请写原因" in organizer.say("15分")
    assert "确认给【王秀英】记 +15 分" in organizer.say("协助重阳节活动 3 小时")
    assert "现有 15 分" in organizer.say("1")
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "points" and "+15 分" in push.text

    points = resident.say("我的积分")
    assert "现有积分：15 分" in points and "12月1日 +15 分 协助重阳节活动 3 小时" in points
    rewards = resident.say("1")                    # 兑换礼品
    assert "2. 文化馆定制水杯（10 分，剩 30 件）" in rewards
    assert "兑换后还剩 5 分" in resident.say("2")
    assert "兑换成功" in resident.say("1")
    assert "现有积分：5 分" in resident.say("积分")

    assert "1. 王秀英：文化馆定制水杯" in organizer.say("/redemptions")
    assert "状态：待发放" in organizer.say("1")
    assert "已标记发放" in organizer.say("1")
    [(kind, push)] = deliver_due(dialogs, "wang")
    assert kind == "redemption" and "文化馆定制水杯" in push.text
    assert "目前没有待发放的兑换" in organizer.say("/redemptions")

    staff = resident_id(dialogs, "organizer")
    with dialogs.db.session() as s:
        actions = [a.action for a in s.exec(select(AuditEntry).where(AuditEntry.actor_resident_id == staff))]
    assert {"volunteer.approve", "points.credit", "redemption.hand_out"} <= set(actions)


def test_a_resident_typing_staff_commands_is_refused_and_audited(dialogs, resident):
    for command in ("/volunteers", "/credit", "/redemptions"):
        assert "只对工作人员开放" in resident.say(command)
    for payload in ("vapp:1", "crv:1", "crok", "rdout:1"):
        [reply] = dialogs.handle(Incoming("console", "wang", payload=payload))
        assert "只对工作人员开放" in reply.text
    rid = resident_id(dialogs, "wang")
    with dialogs.db.session() as s:
        refused = s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
        assert {"volunteers.list", "points.credit", "redemptions.list", "volunteer.approve",
                "redemption.hand_out"} <= {r.target for r in refused}
        assert all(r.actor_resident_id == rid for r in refused)
        assert s.exec(select(PointEntry)).all() == []


def test_each_answer_is_checked_before_the_next_question(resident):
    resident.say("志愿者")
    resident.say("1")
    assert "不要带数字" in resident.say("王")
    assert "不要带数字" in resident.say("abc123")
    assert "第 2 步" in resident.say("王秀英")
    assert "2 到 30 个字" in resident.say("区")
    assert "第 3 步" in resident.say("杏林社区")
    assert "2 到 100 个字" in resident.say("！！")
    assert "第 4 步" in resident.say("1")          # 没有特长，听从安排
    summary = resident.say("周二上午")
    assert "社区：杏林社区" in summary and "特长：没有特长，听从安排" in summary


def test_rejected_with_a_reason_then_registers_again(dialogs, resident, organizer):
    register(resident)
    organizer.say("/volunteers")
    organizer.say("1")
    assert "原因" in organizer.say("2")            # 不通过
    assert "2 到 100 个字" in organizer.say("不")
    assert "已退回" in organizer.say("请填写真实姓名")
    [(_, push)] = deliver_due(dialogs, "wang")
    assert "没有通过" in push.text and "请填写真实姓名" in push.text
    assert "请填写真实姓名" in resident.say("志愿者")
    assert "已提交" in register(resident)
    with dialogs.db.session() as s:
        [row] = s.exec(select(Volunteer)).all()
        assert row.status == "pending" and row.note == ""


def test_pause_resume_and_leave_follow_the_role_and_keep_points(dialogs, resident, organizer):
    register(resident)
    approve(organizer)
    rid = resident_id(dialogs, "wang")
    with dialogs.db.session() as s:
        s.add(PointEntry(resident_id=rid, points=7, source="order:1", created_at=START))

    assert "暂停服务" in resident.say("志愿者")
    assert "已暂停" in resident.say("1")
    with dialogs.db.session() as s:
        assert not has_role(s, rid, VOLUNTEER)
    resident.say("志愿者")
    assert "已恢复" in resident.say("1")           # 恢复服务
    with dialogs.db.session() as s:
        assert has_role(s, rid, VOLUNTEER)
    resident.say("志愿者")
    assert "确定退出" in resident.say("2")         # 退出志愿者
    assert "7 分积分仍然保留" in resident.say("1")
    with dialogs.db.session() as s:
        assert not has_role(s, rid, VOLUNTEER) and balance(s, rid) == 7
    assert "志愿者登记" in resident.say("志愿者")


def test_an_old_confirm_button_redeems_only_once(dialogs, resident, organizer):
    rid = resident_id(dialogs, "wang")
    with dialogs.db.session() as s:
        s.add(PointEntry(resident_id=rid, points=30, source="order:1", created_at=START))
        cup = s.exec(select(Reward).where(Reward.name == "文化馆定制水杯")).one()
    confirm = dialogs.handle(Incoming("console", "wang", payload=f"ptrd:{cup.id}"))[0]
    payload = confirm.choices[0].payload
    assert "兑换成功" in dialogs.handle(Incoming("console", "wang", payload=payload))[0].text
    assert "失效" in dialogs.handle(Incoming("console", "wang", payload=payload))[0].text
    with dialogs.db.session() as s:
        assert len(s.exec(select(Redemption)).all()) == 1 and balance(s, rid) == 20


def test_not_enough_points_says_so(resident):
    resident.say("我的积分")
    resident.say("1")
    answer = resident.say("1")                     # 环保购物袋, 5 分
    assert "积分不够" in answer and "您现有 0 分" in answer


def test_bad_points_are_asked_again(dialogs, resident, organizer):
    register(resident)
    approve(organizer)
    organizer.say("/credit")
    organizer.say("1")
    assert "1 到 100 之间" in organizer.say("很多分")
    assert "1 到 100 之间" in organizer.say("500分")
    assert "1 到 100 之间" in organizer.say("0分")
    assert "请写原因" in organizer.say("-3分")
    organizer.say("更正")
    assert "低于 0 分" in organizer.say("1")
    with dialogs.db.session() as s:
        assert s.exec(select(PointEntry)).all() == []


def test_the_form_lapses_an_hour_after_the_last_answer(dialogs, resident):
    resident.say("志愿者")
    resident.say("1")                              # 志愿者登记
    dialogs.clock.advance(minutes=50)
    assert "第 2 步" in resident.say("王秀英")
    dialogs.clock.advance(minutes=50)              # 100 minutes since the start, 50 since the last answer
    assert "第 3 步" in resident.say("1")          # 幸福社区
    dialogs.clock.advance(minutes=61)
    assert "零基础毛笔书法" in resident.say("书法")   # a search now, not the skills answer
    assert "登记信息已失效" in dialogs.handle(Incoming("console", "wang", payload="volop:0"))[0].text
    assert "已提交" in register(resident)           # starting again works as before


def test_a_reject_reason_typed_long_after_is_a_search_and_rejects_nothing(dialogs, resident, organizer):
    register(resident)
    organizer.say("/volunteers")
    organizer.say("1")
    assert "原因" in organizer.say("2")            # 不通过
    dialogs.clock.advance(hours=1, minutes=1)
    assert "零基础毛笔书法" in organizer.say("书法")
    with dialogs.db.session() as s:
        assert s.exec(select(Volunteer)).one().status == "pending"
    assert deliver_due(dialogs, "wang") == []


def test_points_typed_long_after_are_a_search_and_credit_nothing(dialogs, resident, organizer):
    register(resident)
    approve(organizer)
    organizer.say("/credit")
    assert "记多少分" in organizer.say("1")
    dialogs.clock.advance(minutes=59)
    assert "请写原因" in organizer.say("15分")     # within the hour: the step goes on
    dialogs.clock.advance(hours=2)
    assert "零基础毛笔书法" in organizer.say("书法")
    with dialogs.db.session() as s:
        assert balance(s, resident_id(dialogs, "wang")) == 0


def test_a_plain_number_is_the_points_not_a_pick_of_the_quick_choices(dialogs, resident, organizer):
    register(resident)
    approve(organizer)
    deliver_due(dialogs, "wang")
    organizer.say("/credit")
    organizer.say("1")
    assert "请写原因" in organizer.say("30")
    assert "确认给【王秀英】记 +30 分" in organizer.say("带队参加艺术节")
    assert "现有 30 分" in organizer.say("1")
    organizer.say("/credit")
    organizer.say("1")
    organizer.say("/credit")
    organizer.say("1")
    assert "请写原因" in organizer.say("5")           # the third quick choice is +5 分: typed 5 is 5 points
    assert "确认给【王秀英】记 +5 分" in organizer.say("补记")
    assert "现有 35 分" in organizer.say("1")
    # A tap on a quick choice still works.
    organizer.say("/credit")
    organizer.say("1")
    assert "请写原因" in dialogs.handle(Incoming("console", "organizer", payload="crp:10"))[0].text


def test_a_new_registration_tells_the_organizers_who_can_approve_it(dialogs, resident, organizer):
    elsewhere = console_person(dialogs, "far-away")
    admin = console_person(dialogs, "admin", "admin")
    from store.roles import grant_role
    far = resident_id(dialogs, "far-away")
    with dialogs.db.session() as s:
        grant_role(s, far, ORGANIZER, community="光明社区")
    assert "已提交" in register(resident)
    for user in ("organizer", "admin"):
        [(kind, push)] = deliver_due(dialogs, user)
        assert kind == "volunteer_new"
        assert "新的志愿者登记等您审核" in push.text and "姓名：王秀英" in push.text and "社区：幸福社区" in push.text
        assert [c.label for c in push.choices] == ["通过", "查看详情", "主菜单"]
    assert deliver_due(dialogs, "far-away") == []     # another community's organizer cannot approve it
    assert "已通过【王秀英】" in organizer.say("1")     # typing 1 answers the push: 通过
    assert "这条登记已经处理过了" in admin.say("1")   # the admin's push answered after: nothing twice
    del elsewhere
