"""点单 → 派单 → 接单 → 完成 → 评价 as the resident, the organizer and the team leader see it."""
from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from openpyxl import load_workbook

from bot.messages import Incoming
from bot.privacy import phone_cipher
from bot.report.monthly import monthly_report
from bot.report.months import month_of
from bot.handlers.console import ConsoleChat, render_reply
from bot.cli.staff import grant, invite, team
from store.models import AuditEntry, OrderRating, OutboxMessage, PointEntry, ServiceOrder
from store.orders import order_history
from store.services_import import load_demo_services
from tests.dialogs.push_delivery import deliver_due

PHONE = "13812345678"
TZ = ZoneInfo("Asia/Shanghai")
MASKED = "138****5678"
# 送电影 is the second service of the demo list; it needs at least 30 people.
ORDER_FILM = ["点单", "2", "幸福社区", "文化广场", "12月20日晚上", "80", "王阿姨", PHONE, "1"]


@pytest.fixture
def people(sqlite_db):
    load_demo_services(sqlite_db)
    grant(sqlite_db, "organizer", "console", "org")
    team(sqlite_db, "红枫志愿服务队", "volunteer", "console", "leader")
    team(sqlite_db, "区文化馆放映队", "volunteer", "console", "other-leader")
    return sqlite_db


@pytest.fixture
def chats(dialogs, people):
    """Everything each person saw, kept for the phone check."""
    seen: list[str] = []

    class Chat(ConsoleChat):
        def say(self, text: str) -> str:
            answer = super().say(text)
            seen.append(answer)
            return answer

        def tap(self, payload: str) -> str:
            replies = self.dialogs.handle(Incoming("console", self.user_id, payload=payload))
            answer = "\n\n".join(render_reply(r) for r in replies)
            seen.append(answer)
            return answer

        def pushes(self) -> list[str]:
            shown = [render_reply(reply) for _, reply in deliver_due(self.dialogs, self.user_id) if reply]
            seen.extend(shown)
            return shown

    return {name: Chat(dialogs, name) for name in ("resident", "org", "leader", "other-leader")} | {"seen": seen}


def the_order(db) -> ServiceOrder:
    with db.session() as s:
        return s.exec(select(ServiceOrder)).one()


def audit_actions(db) -> list[tuple[str, str]]:
    with db.session() as s:
        return [(a.action, a.target) for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))]


def place(chats) -> str:
    resident = chats["resident"]
    resident.say("/start")
    return [resident.say(text) for text in ORDER_FILM][-1]


def dispatch_to_red_maple(chats) -> None:
    org = chats["org"]
    assert "1. D20261201-0001 送电影 · 幸福社区 · 已点单" in org.say("/orders")
    assert "1. 派单" in org.say("1")
    teams = org.say("1")
    assert "红枫志愿服务队" in teams
    line = next(x for x in teams.splitlines() if x.endswith("红枫志愿服务队"))
    assert "派给【红枫志愿服务队】" in org.say(line.split(".")[0])


def test_from_order_to_rating(chats, people, clock):
    resident, org, leader = chats["resident"], chats["org"], chats["leader"]
    resident.say("/start")
    assert ". 点单服务" in resident.say("更多服务")
    services = resident.say("点单服务")
    assert "1. 送戏下乡（戏曲）" in services and "2. 送电影（电影）" in services
    intro = resident.say("2")
    assert "【送电影】" in intro and "至少 30 人" in intro and "1/6 在哪个社区" in intro
    summary = [resident.say(text) for text in ORDER_FILM[2:-1]][-1]
    assert "人数：80 人" in summary and f"电话：{MASKED}" in summary and "1. 确认提交" in summary
    assert "单号：D20261201-0001" in resident.say("1")

    dispatch_to_red_maple(chats)
    assert "已派给【红枫志愿服务队】" in resident.pushes()[0]
    (request,) = leader.pushes()
    assert "新派单：【送电影】单号 D20261201-0001" in request and "1. 接单" in request and "2. 婉拒" in request

    assert "哪天去服务" in leader.say("1")
    assert "没看懂这个日期" in leader.say("下周")
    assert "已经过去了" in leader.say("11-30")
    assert "服务日期定在 12月20日（周日）" in leader.say("12-20")
    assert "服务日期：12月20日（周日）" in resident.pushes()[0]
    assert "【红枫志愿服务队】已接单" in org.pushes()[0]

    org.say("/orders")
    assert "1. 登记完成" in org.say("1")
    assert "实际服务了多少人" in org.say("1")
    assert "请回复实际服务人数的数字" in org.say("很多")
    hours = org.say("120")
    assert "服务了几小时" in hours and "1. 1 小时" in hours and "6. 6 小时" in hours
    assert "请回复服务的小时数" in org.say("很久")
    done = org.say("3")
    assert "已登记完成：单号 D20261201-0001，服务 120 人" in done
    assert "已为【红枫志愿服务队】的 1 位队员各记服务 3 小时、积分 3 分" in done
    (credited,) = leader.pushes()
    assert "积分到账：您参加的【送电影】（单号 D20261201-0001）已完成，记服务 3 小时，积分 +3 分" in credited
    points = leader.say("我的积分")
    assert "现有积分：3 分" in points and "累计服务：3 小时" in points and "志愿服务：送电影" in points

    (poll,) = resident.pushes()
    assert "【送电影】（单号 D20261201-0001）已经完成，共服务 120 人" in poll
    assert all(f"{n}. {g}" in poll for n, g in ((1, "优"), (2, "良"), (3, "中"), (4, "差")))
    assert "谢谢您的评价（优）" in resident.say("1")
    assert "收到您的意见" in resident.say("电影很好看")
    assert "已经评价过了（优）" in resident.tap(f"ort:{the_order(people).id}:差")

    resident.say("我的点单")
    detail = resident.say("1")
    for line in ("状态：已评价", "服务队伍：红枫志愿服务队", "实际服务：120 人", "已接单（2026年12月20日）",
                 "已完成（120 人）", "已评价（优）"):
        assert line in detail
    with people.session() as s:
        (rating,) = s.exec(select(OrderRating)).all()
        assert (rating.grade, rating.comment) == ("优", "电影很好看")
        steps = [e.to_status for e in order_history(s, rating.order_id)]
    assert steps == ["ordered", "dispatched", "accepted", "done", "rated"]
    done = [action for action, _ in audit_actions(people) if action.startswith("order.")]
    assert done == ["order.dispatch", "order.accept", "order.complete"]


def test_a_resident_typing_orders_is_refused_and_audited(chats, people):
    place(chats)
    resident, before = chats["resident"], the_order(people)
    assert "只对工作人员开放" in resident.say("/orders")
    for payload in (f"sot:{before.id}:1", f"sox:{before.id}", f"soc:{before.id}", f"so:{before.id}"):
        assert "只对工作人员开放" in resident.tap(payload)
    assert "没有派给您的队伍" in resident.tap(f"soa:{before.id}")
    assert the_order(people).status == "ordered" and the_order(people).team_id is None
    refused = [target for action, target in audit_actions(people) if action == "refused"]
    assert refused == ["orders.list", "order.dispatch", "order.decline", "order.complete", "order.view",
                       "order.accept"]


def test_the_phone_is_masked_in_every_listing_and_message(chats, people, settings):
    place(chats)
    dispatch_to_red_maple(chats)
    chats["org"].say("/orders")
    chats["org"].say("1")
    chats["leader"].pushes()
    chats["leader"].tap(f"so:{the_order(people).id}")
    chats["resident"].say("我的点单")
    chats["resident"].say("1")
    seen = "\n".join(chats["seen"])
    assert PHONE not in seen and seen.count(MASKED) >= 5
    with people.session() as s:
        payloads = [row.payload for row in s.exec(select(OutboxMessage))]
    assert payloads and not any(PHONE in p for p in payloads)
    stored = the_order(people).contact_phone  # sealed at rest, the number behind it intact
    assert PHONE not in stored and phone_cipher(settings, people.url).open(stored) == PHONE


def test_bad_answers_are_asked_again_and_change_nothing(chats, people):
    resident = chats["resident"]
    for text in ["/start", "点单", "2", "幸福社区", "文化广场"]:
        resident.say(text)
    assert "请写上具体日期" in resident.say("周末")
    assert "4/6" in resident.say("12月19日周末")
    assert "请回复参加人数的数字" in resident.say("好多人")
    assert "至少要 30 人参加" in resident.say("10")
    assert "5/6 联系人" in resident.say("大约 50 人")
    assert "6/6 联系电话" in resident.say("王阿姨")
    assert "手机号要 11 位" in resident.say("12345678901")
    summary = resident.say("1")                     # 跳过
    assert "人数：50 人" in summary and "电话：未留" in summary
    assert "这次先不点了" in resident.say("3")     # 不点了
    with people.session() as s:
        assert s.exec(select(ServiceOrder)).all() == []


def test_the_team_declines_and_the_order_goes_back_to_the_organizer(chats, people):
    place(chats)
    dispatch_to_red_maple(chats)
    chats["resident"].pushes()
    leader, org = chats["leader"], chats["org"]
    leader.pushes()
    assert "婉拒的原因" in leader.say("2")
    assert "已退回组织者" in leader.say("那天队员都有演出")
    (back,) = org.pushes()
    assert "【红枫志愿服务队】婉拒了单号 D20261201-0001" in back and "那天队员都有演出" in back
    assert "重新安排" in chats["resident"].pushes()[0]
    order = the_order(people)
    assert (order.status, order.team_id) == ("ordered", None)
    assert "没有派给您的队伍" in leader.tap(f"soa:{order.id}")
    assert "1. D20261201-0001 送电影 · 幸福社区 · 已点单" in org.say("/orders")
    assert "队伍婉拒，退回重派（那天队员都有演出）" in org.say("1")


def test_the_organizer_declines_with_a_reason(chats, people):
    place(chats)
    org = chats["org"]
    org.say("/orders")
    org.say("1")
    assert "婉拒单号 D20261201-0001 的原因" in org.say("2")
    assert "已婉拒单号 D20261201-0001" in org.say("那几天广场在维修")
    (told,) = chats["resident"].pushes()
    assert "没能安排" in told and "那几天广场在维修" in told
    order = the_order(people)
    assert order.status == "declined"
    assert "现在是“已婉拒”，不能派单" in org.tap(f"sod:{order.id}")
    assert "现在是“已婉拒”，不能婉拒" in org.tap(f"sox:{order.id}")
    assert "现在没有待办的点单" in org.say("/orders")


def test_only_the_team_it_went_to_accepts_and_nobody_completes_twice(chats, people):
    place(chats)
    dispatch_to_red_maple(chats)
    order_id = the_order(people).id
    assert "没有派给您的队伍" in chats["other-leader"].tap(f"soa:{order_id}")
    leader = chats["leader"]
    leader.tap(f"soa:{order_id}")
    leader.say("12-20")
    leader.tap(f"soc:{order_id}")
    assert "服务了几小时" in leader.say("95")
    assert "服务 95 人" in leader.tap(f"soh:{order_id}:2")
    assert "已经过期" in leader.tap(f"soh:{order_id}:2")
    assert "现在是“已完成”，不能登记完成" in chats["org"].tap(f"soc:{order_id}")
    with people.session() as s:
        assert [(e.points, e.minutes) for e in s.exec(select(PointEntry))] == [(2, 120)]
    assert "只有点这次服务的居民才能评价" in leader.tap(f"ort:{order_id}:优")
    assert the_order(people).headcount == 95


def test_an_invite_code_makes_a_resident_an_organizer(chats, people, clock):
    place(chats)
    newcomer = ConsoleChat(chats["org"].dialogs, "newcomer")
    newcomer.say("/start")
    assert "只对工作人员开放" in newcomer.say("/orders")
    code = invite(people, "organizer", "幸福社区", now=clock.now())
    assert "已为您开通“组织者”身份（范围：幸福社区）" in newcomer.say(f"邀请码 {code}")
    assert "D20261201-0001" in newcomer.say("/orders")
    late = ConsoleChat(chats["org"].dialogs, "late")
    late.say("/start")
    assert "用过了" in late.say(f"邀请码 {code}")
    with people.session() as s:
        detail = json.loads(s.exec(select(AuditEntry).where(AuditEntry.action == "invite.redeem")).one().detail)
    assert detail == {"role": "organizer", "community": "幸福社区"}


def test_dates_and_phones_as_typed():
    from datetime import date

    from bot.dialogs.orders.render import mask_phone
    from bot.dialogs.orders.staff_answers import parse_day
    today = date(2026, 12, 1)
    assert parse_day("12-20", today) == date(2026, 12, 20)
    assert parse_day("12月20日", today) == parse_day("2026/12/20", today) == date(2026, 12, 20)
    assert parse_day("1-5", today) == date(2027, 1, 5)       # January, typed in December
    assert parse_day("11-30", today) == "order_past_date"
    assert parse_day("12-1", today) == "order_past_date"     # today is too late to fix a date
    assert parse_day("2028-01-05", today) == "order_far_date"
    assert parse_day("2-30", today) == parse_day("下周三", today) == "order_bad_date"
    assert mask_phone(PHONE) == MASKED and mask_phone("") == "" and mask_phone("12345") == "****"


def test_hours_typed_past_the_choices_count_and_the_month_report_moves(chats, people, clock, tmp_path):
    place(chats)
    dispatch_to_red_maple(chats)
    leader, order_id = chats["leader"], the_order(people).id
    leader.tap(f"soa:{order_id}")
    leader.say("12-20")
    clock.set(clock.now().replace(day=20, hour=12))  # the day of the service

    def volunteer_hours() -> object:
        with people.session() as s:
            report = monthly_report(s, month_of(2026, 12, TZ), clock.now(), TZ,
                                    tmp_path / "month.xlsx")
        sheet = load_workbook(report.workbook)["总览"]
        return {row[0].value: row[1].value for row in sheet.iter_rows()}["志愿服务时长（小时）"]

    assert volunteer_hours() == 0
    leader.tap(f"soc:{order_id}")
    leader.say("60")
    assert "积分 8 分" in leader.say("7.5 小时")      # 7.5 hours at 1 point an hour, rounded half up
    assert volunteer_hours() == 7.5
    assert "累计服务：7.5 小时" in leader.say("我的积分")


def test_the_head_count_question_has_a_way_out(chats, people):
    resident = chats["resident"]
    for text in ["/start", "点单", "2", "幸福社区", "文化广场"]:
        resident.say(text)
    audience = resident.say("12月20日或21日下午")
    assert "4/6 预计多少人参加" in audience and audience.endswith("1. 不点了")
    assert "至少要 30 人参加" in resident.say("1")   # on this step a number is the head-count
    assert "这次先不点了" in resident.say("不点了")
    with people.session() as s:
        assert s.exec(select(ServiceOrder)).all() == []


def test_a_team_of_several_credits_only_the_members_who_were_there(chats, people, clock, tmp_path):
    from bot.cli.staff import team_member
    for member in ("m1", "m2"):
        assert team_member(people, "红枫志愿服务队", "console", member) == "added"
    place(chats)
    dispatch_to_red_maple(chats)
    leader, order_id = chats["leader"], the_order(people).id
    leader.tap(f"soa:{order_id}")
    leader.say("12-20")
    clock.set(clock.now().replace(day=20, hour=12))
    leader.tap(f"soc:{order_id}")
    leader.say("60")
    asked = leader.say("2")
    assert "哪些队员到场服务了" in asked and "3. 居民" in asked and "1. 全到" in asked
    assert "请回复名单上的序号（1 到 3）" in leader.say("4")
    done = leader.say("1 3")                       # the leader and the second member, not a pick of 全到
    assert "已为【红枫志愿服务队】的 2 位队员各记服务 2 小时" in done
    with people.session() as s:
        credited = s.exec(select(PointEntry.resident_id)).all()
    assert len(credited) == 2
    assert "累计服务：2 小时" in ConsoleChat(leader.dialogs, "m2").say("我的积分")
    assert "累计服务：0 小时" in ConsoleChat(leader.dialogs, "m1").say("我的积分")
