"""The full contact phone: only for the organizer and the team who must call, and every look audited."""
from __future__ import annotations

import json

from openpyxl import load_workbook
from sqlmodel import select

from store.models import AuditEntry
from tests.dialogs.orders.test_order_conversation import (MASKED, PHONE, audit_actions, chats, dispatch_to_red_maple,  # noqa: F401
                                                          people, place, the_order)


def reveals(db) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == "phone.revealed").order_by(AuditEntry.id)))


def test_the_organizer_and_the_team_see_the_number_and_each_look_is_audited(chats, people):
    place(chats)
    dispatch_to_red_maple(chats)
    order = the_order(people)
    page = chats["org"].tap(f"so:{order.id}")
    assert MASKED in page and PHONE not in page and "查看完整电话" in page
    assert f"电话：{PHONE}" in chats["org"].tap(f"sop:{order.id}")
    chats["leader"].pushes()
    assert f"电话：{PHONE}" in chats["leader"].tap(f"sop:{order.id}")
    looks = reveals(people)
    assert [entry.actor for entry in looks] == ["console:org", "console:leader"]
    for entry in looks:
        assert entry.target == f"resident:{order.ordered_by}"
        assert json.loads(entry.detail) == {"order": order.number, "why": "order_contact"}


def test_residents_and_other_volunteers_never_see_it(chats, people):
    place(chats)
    dispatch_to_red_maple(chats)
    order = the_order(people)
    for who in ("resident", "other-leader"):
        answer = chats[who].tap(f"sop:{order.id}")
        assert PHONE not in answer
    assert reveals(people) == []
    refused = [target for action, target in audit_actions(people) if action == "refused"]
    assert refused.count("order.phone") == 2
    resident_view = chats["resident"].say("我的点单") + chats["resident"].say("1")
    assert MASKED in resident_view and "查看完整电话" not in resident_view
    seen = "\n".join(chats["seen"])
    assert PHONE not in seen


def test_a_closed_order_no_longer_shows_the_number(chats, people):
    place(chats)
    order = the_order(people)
    chats["org"].tap(f"sox:{order.id}")
    chats["org"].say("场地不合适")
    assert "已婉拒" in chats["org"].tap(f"so:{order.id}")
    assert "查看完整电话" not in chats["org"].tap(f"so:{order.id}")
    assert PHONE not in chats["org"].tap(f"sop:{order.id}")
    assert reveals(people) == []


def test_the_monthly_workbook_shows_the_sealed_number_masked(chats, people, dialogs, tmp_path):
    dialogs.settings = dialogs.settings.model_copy(
        update={"files": dialogs.settings.files.model_copy(update={"dir": str(tmp_path)})})
    place(chats)
    answer = chats["org"].say("/report 2026-12")
    path = answer.split("[文件] ")[1].splitlines()[0]
    cells = [str(c.value) for sheet in load_workbook(path) for row in sheet.iter_rows() for c in row]
    assert MASKED in cells and not any(PHONE in c for c in cells)
