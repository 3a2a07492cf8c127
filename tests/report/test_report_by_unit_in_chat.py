"""/report in the chat: an organizer of one 分馆 gets that 分馆's subtree, the district's admin all of it,
with the units side by side as a third chart."""
from __future__ import annotations

import json

from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from store.models import AuditEntry
from store.people import get_or_create_account
from store.roles import grant_role
from tests.support.district import build_district
from tests.support.people import console_person


def overview(book) -> dict:
    return {row[0]: row[1] for row in book["总览"].iter_rows(values_only=True)}


def test_a_branch_organizer_gets_the_branch_and_an_admin_the_district(sqlite_db, settings, clock, tmp_path):
    files = settings.files.model_copy(update={"dir": str(tmp_path / "files")})
    dialogs = Dialogs(sqlite_db, settings.model_copy(update={"files": files}), clock)
    units = build_district(sqlite_db)
    console_person(dialogs, "fa")
    with sqlite_db.session() as s:
        account, _ = get_or_create_account(s, "console", "fa")
        grant_role(s, account.resident_id, "organizer", unit_id=units["FA"])
    console_person(dialogs, "boss", "admin")

    visits, good, by_unit, book = dialogs.handle(Incoming("console", "fa", text="/report"))
    assert by_unit.text == "2026年11月各单位场次与人次"
    with Image.open(by_unit.picture) as image:
        assert image.format == "PNG"
    assert book.text.startswith("【福田分馆（含下级）】2026年11月统计报表")
    branch = load_workbook(book.file)
    assert overview(branch)["单位"] == "福田分馆（含下级）" and "总馆" not in branch.sheetnames
    assert {r[1] for r in branch["服务点"].iter_rows(min_row=2, values_only=True)} == {"FA1", "FA2", "FA", None}

    *_, whole = dialogs.handle(Incoming("console", "boss", text="/report"))
    district = load_workbook(whole.file)
    assert "单位" not in overview(district) and whole.text.startswith("2026年11月统计报表")
    [root] = [r for r in district["总馆"].iter_rows(min_row=2, values_only=True) if r[1] == "ROOT"]
    assert overview(district)["课程场次"] == root[3] > overview(branch)["课程场次"]
    with sqlite_db.session() as s:
        details = [json.loads(e.detail) for e in s.exec(select(AuditEntry).where(AuditEntry.action == "report.monthly")
                                                        .order_by(AuditEntry.id))]
    assert [d.get("unit") for d in details] == ["FA", None]
