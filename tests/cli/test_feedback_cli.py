"""`linli feedback --month YYYY-MM`: a month of feedback by category and the subjects wished for most."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.cli import main
from bot.settings import get_settings
from store.db import Database
from store.feedback import submit
from store.models import Category, Resident
from tests.conftest import ROOT, START
from tests.support.templates import sqlite_file


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'linli.db'}"
    monkeypatch.setenv("LINLI_CONFIG", str(ROOT / "settings.toml"))
    monkeypatch.setenv("LINLI_DATABASE__URL", url)
    get_settings.cache_clear()
    db = Database(sqlite_file(tmp_path / "linli.db"))
    yield db
    db.dispose()
    get_settings.cache_clear()


def fill(db: Database) -> None:
    with db.session() as s:
        for order, name in enumerate(("书法", "太极", "舞蹈")):
            s.add(Category(section="文化", name=name, sort_order=order))
        person = Resident(display_name="李阿姨")
        s.add(person)
        s.flush()
        for days, category, text in [(0, "course", "希望周末开书法班"), (1, "course", "想学打太极，也想练字"),
                                     (2, "other", "能不能多开一个毛笔字班"), (3, "complaint", "书法班太吵"),
                                     (4, "venue", "活动室太冷")]:
            submit(s, person.id, category, text, START + timedelta(days=days))
        submit(s, person.id, "course", "想学跳广场舞", datetime(2026, 12, 31, 17, 0))  # January in Shanghai


def test_month_summary_by_category_and_subject(database, capsys):
    fill(database)
    assert main(["feedback", "--month", "2026-12"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "需求反馈汇总：2026年12月"
    assert lines[1] == "共 5 条，已处理 0 条，待处理 5 条"
    for line in ("  课程需求：2", "  场馆：1", "  服务：0", "  投诉：1", "  其他：1",
                 "  1. 书法：3 条", "  2. 太极：1 条"):
        assert line in lines
    assert not any("舞蹈" in line for line in lines)


def test_a_month_without_feedback(database, capsys):
    assert main(["feedback", "--month", "2027-02"]) == 0
    out = capsys.readouterr().out
    assert "共 0 条" in out and "本月没有提到具体项目" in out


@pytest.mark.parametrize("month", ["2026-13", "12-2026", "上个月"])
def test_a_bad_month_is_refused(database, capsys, month):
    assert main(["feedback", "--month", month]) == 2
    assert "月份格式不对" in capsys.readouterr().err
