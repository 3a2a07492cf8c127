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
