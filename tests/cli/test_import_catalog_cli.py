"""`linli import catalog` re-plans what residents are owed and tells them of a moved session."""
from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta

from sqlmodel import select

from bot.cli import main
from bot.dialogs.engine import Dialogs
from bot.messages import Incoming
from bot.settings import get_settings
from store.models import OutboxMessage

HEADER = ["course_code", "section", "category", "title", "teacher", "venue", "starts_at", "ends_at", "capacity"]


def catalogue(path, days: list[int]):
    # The command runs on the wall clock, so the sessions are weeks ahead of it.
    first = datetime.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=30)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for day in days:
            start = first + timedelta(days=day)
            writer.writerow(["WH-SF-01", "文化", "书法", "零基础毛笔书法", "林老师", "和平街道文化站",
                             f"{start:%Y-%m-%d %H:%M}", f"{start + timedelta(minutes=90):%Y-%m-%d %H:%M}", "5"])
    return path


def test_a_reimport_that_moves_a_session_tells_the_resident(db_file, tmp_path, capsys):
    assert main(["import", "catalog", str(catalogue(tmp_path / "a.csv", [0, 7]))]) == 0
    Dialogs(db_file, get_settings()).handle(Incoming("console", "wang", payload="suy:WH-SF-01"))
    capsys.readouterr()
    assert main(["import", "catalog", str(catalogue(tmp_path / "b.csv", [0, 8]))]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["sessions_moved"], printed["sessions_cancelled"], printed["courses_updated"]) == (1, 0, 1)
    with db_file.session() as s:
        (notice,) = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "schedule_change")).all()
    assert "调课通知" in json.loads(notice.payload)["text"]
