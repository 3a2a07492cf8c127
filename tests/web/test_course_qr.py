"""Poster QR codes and the course links they hold."""
from __future__ import annotations

import pytest
from PIL import Image

from bot.cli.qr import make_course_qr
from bot.handlers.web.deeplink import course_link, start_payload


def test_course_link_and_start_parameter_round_trip():
    link = course_link("https://linli.example.cn/", "WH-SF-01")
    assert link == "https://linli.example.cn/?start=course-WH-SF-01"
    assert start_payload(link.split("start=")[1]) == "crs:WH-SF-01"


@pytest.mark.parametrize("code", ["", "WH SF", "书法", "<x>", "A" * 41, "a/b"])
def test_unsafe_codes_are_refused(code, tmp_path):
    with pytest.raises(ValueError):
        course_link("https://x.cn", code)
    with pytest.raises(ValueError):
        make_course_qr("https://x.cn", code, tmp_path / "q.png")
    assert start_payload(f"course-{code}") is None


def test_make_course_qr_writes_a_scannable_png(tmp_path):
    out = make_course_qr("https://linli.example.cn", "WH-SF-01", tmp_path / "posters" / "sf.png")
    assert out.exists()
    with Image.open(out) as image:
        assert image.format == "PNG"
        width, height = image.size
        assert width == height >= 300
        # The quiet zone is white and the finder pattern's corner is black.
        pixels = image.convert("L")
        assert pixels.getpixel((5, 5)) == 255
        assert pixels.getpixel((4 * 12 + 2, 4 * 12 + 2)) == 0


def test_checkin_link_round_trips_to_the_check_in_payload():
    from bot.handlers.web.deeplink import checkin_link
    link = checkin_link("https://linli.example.cn/", "K7M2Q9")
    assert link == "https://linli.example.cn/?start=attend-K7M2Q9"
    assert start_payload(link.split("start=")[1]) == "here:K7M2Q9"
    assert start_payload("attend-<x>") is None


def test_linli_qr_checkin_writes_the_code_of_that_days_class(tmp_path, monkeypatch, capsys):
    from datetime import timedelta

    from bot.app import open_database
    from bot.cli import main
    from bot.settings import get_settings
    from store.models import SessionRoll
    from sqlmodel import select
    from tests.conftest import ROOT, START
    from tests.support.catalog import add_course
    monkeypatch.setenv("LINLI_CONFIG", str(ROOT / "settings.toml"))
    monkeypatch.setenv("LINLI_DATABASE__URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    try:
        db = open_database(get_settings())
        add_course(db, "WH-SF-01", "零基础毛笔书法", first_start=START + timedelta(hours=1), sessions=2)
        out = tmp_path / "checkin.png"
        assert main(["qr", "checkin", "WH-SF-01", "--date", "2026-12-08", "--out", str(out)]) == 0
        with db.session() as s:
            [code] = s.exec(select(SessionRoll.code)).all()
        assert capsys.readouterr().out.split() == [str(out), f"签到码：{code}"]
        with Image.open(out) as image:
            assert image.format == "PNG"
        assert main(["qr", "checkin", "WH-SF-01", "--date", "2026-12-02", "--out", str(out)]) == 2
        assert "没有找到课程 WH-SF-01 在 2026-12-02 的课" in capsys.readouterr().err
        db.dispose()
    finally:
        get_settings.cache_clear()


def test_shift_links_check_in_and_out_and_refuse_unsafe_codes():
    assert start_payload("shiftin-K7M2Q9") == "shin:K7M2Q9"
    assert start_payload("shiftout-K7M2Q9") == "shout:K7M2Q9"
    assert start_payload("shiftin-<x>") is None and start_payload("shiftout-") is None
