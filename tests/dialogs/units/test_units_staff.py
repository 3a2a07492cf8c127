"""Staff per unit: a 分馆's organizer runs the orders of their 服务点 and is refused (audited) on the
other 分馆's; an order nobody takes at its 服务点 goes up to the 分馆 after the configured hours."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.cli.staff import grant
from bot.dialogs.pushes.order_escalation import run_order_escalation
from bot.handlers.console import ConsoleChat, render_reply
from bot.messages import Incoming
from store.models import AuditEntry, ServiceOrder
from store.services_import import load_demo_services
from store.units_import import import_units
from tests.conftest import START
from tests.dialogs.push_delivery import deliver_due
from tests.store.test_units_import import GOOD, write_csv

ORDER = ["点单", "2", "一号社区", "文化广场", "12月20日晚上", "80", "王阿姨", "13812345678", "1"]


class Chat(ConsoleChat):
    def tap(self, payload: str) -> str:
        replies = self.dialogs.handle(Incoming("console", self.user_id, payload=payload))
        return "\n\n".join(render_reply(r) for r in replies)

    def pushes(self) -> list[str]:
        return [render_reply(reply) for _, reply in deliver_due(self.dialogs, self.user_id) if reply]


@pytest.fixture
def district(sqlite_db, tmp_path):
    """总馆 ROOT; 分馆 FG-A (一号社区, 二号社区) and FG-B (三号社区, 四号村); staff on each."""
    import_units(sqlite_db, write_csv(tmp_path / "units.csv", GOOD))
    load_demo_services(sqlite_db)
    for who, unit in (("org-a", "FG-A"), ("org-b", "FG-B"), ("point-1", "SP-1"), ("centre", "ROOT")):
        grant(sqlite_db, "organizer", "console", who, unit=unit)
    return sqlite_db


@pytest.fixture
def chats(dialogs, district):
    return {name: Chat(dialogs, name) for name in ("resident", "org-a", "org-b", "point-1", "centre")}


def place_order(chats, db) -> ServiceOrder:
    chats["resident"].say("/start")
    assert "单号：" in [chats["resident"].say(text) for text in ORDER][-1]
    with db.session() as s:
        return s.exec(select(ServiceOrder)).one()


def test_the_branch_runs_its_points_orders_and_the_other_branch_is_refused(chats, district):
    order = place_order(chats, district)
    (news,) = chats["point-1"].pushes()
    assert f"新点单：【送电影】单号 {order.number}，一号社区" in news
    assert chats["org-a"].pushes() == [] and chats["org-b"].pushes() == []
    assert order.number in chats["org-a"].say("/orders")
    assert "1. 派单" in chats["org-a"].tap(f"so:{order.id}")
    assert order.number in chats["centre"].say("/orders")
    assert order.number not in chats["org-b"].say("/orders")
    assert "只对工作人员开放" in chats["org-b"].tap(f"so:{order.id}")
    assert "只对工作人员开放" in chats["org-b"].tap(f"sod:{order.id}")
    with district.session() as s:
        refused = s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
    assert len(refused) == 2
    assert all(json.loads(r.detail)["community"] == "一号社区" and json.loads(r.detail)["unit_id"] == order.unit_id
               for r in refused)
    with district.session() as s:
        assert s.get(ServiceOrder, order.id).status == "ordered"


def test_an_order_nobody_takes_goes_up_to_the_branch(chats, district, settings, clock):
    order = place_order(chats, district)
    chats["point-1"].pushes()
    hours = settings.units.escalate_after_hours
    assert run_order_escalation(district, settings, START + timedelta(hours=hours) - timedelta(minutes=1)) == 0
    clock.set(START + timedelta(hours=hours, minutes=1))
    assert run_order_escalation(district, settings, clock.now()) == 1
    (up,) = chats["org-a"].pushes()
    assert f"转来的点单：【送电影】单号 {order.number}（一号社区）{hours:g} 小时没人派单" in up
    assert chats["org-b"].pushes() == [] and chats["centre"].pushes() == []
    assert run_order_escalation(district, settings, START + timedelta(hours=hours * 3)) == 0  # once only
    with district.session() as s:
        assert s.get(ServiceOrder, order.id).escalated_at == START + timedelta(hours=hours, minutes=1)
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "order.escalate")).one().target == \
            f"order:{order.number}"


def test_an_order_taken_in_time_stays_at_the_point(chats, district, settings):
    order = place_order(chats, district)
    point = chats["point-1"]
    point.pushes()
    point.tap(f"so:{order.id}")
    teams = point.say("1")
    line = next(x for x in teams.splitlines() if x.endswith("红枫志愿服务队"))
    assert "派给【红枫志愿服务队】" in point.say(line.split(".")[0])
    assert run_order_escalation(district, settings, START + timedelta(days=5)) == 0
