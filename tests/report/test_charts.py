"""Charts draw Chinese with the CJK font the mplfonts package ships: no missing glyphs, no boxes."""
from __future__ import annotations

import warnings
from pathlib import Path

import mplfonts
from matplotlib.text import Text
from PIL import Image

from bot.charts import bar_chart, chart_figure, drawable, font_path

LABELS = ["零基础毛笔书法", "杨式太极拳（24式）", "智能手机课：微信视频通话", "广场舞"]
VALUES = [120, 88, 35, 7]


def texts_drawn(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip()]


def test_the_font_is_the_bundled_file():
    path = Path(font_path())
    assert path.is_file() and path.name == "NotoSansCJKsc-Regular.otf"
    assert Path(mplfonts.__file__).parent in path.parents


def test_every_text_of_a_chart_uses_the_bundled_font():
    fig = chart_figure("各类别服务人次", LABELS, VALUES)
    fig.canvas.draw()
    texts = texts_drawn(fig)
    assert {"零基础毛笔书法", "88", "各类别服务人次"} <= {t.get_text().strip() for t in texts}
    assert {t.get_fontproperties().get_file() for t in texts} == {font_path()}


def test_chinese_renders_without_missing_glyph_warnings(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph 20070 missing from font(s) …" would fail the test
        out = bar_chart("最受欢迎课程 投票结果", LABELS, VALUES, tmp_path / "votes.png")
        share = bar_chart("课程满意度（优良率）", LABELS[:2], [0.875, 1.0], tmp_path / "good.png", percent=True)
        empty = bar_chart("没有数据的月份", [], [], tmp_path / "empty.png")
    for png in (out, share, empty):
        with Image.open(png) as image:
            assert image.format == "PNG" and image.width > 600 and image.height > 200


def test_characters_the_font_lacks_are_left_out_not_boxed():
    assert drawable("书法班🎉✨") == "书法班"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = chart_figure("投票🎉", ["书法🎉"], [3])
        fig.canvas.draw()
    assert "书法" in {t.get_text() for t in texts_drawn(fig)}


def test_the_label_pixels_are_ink_not_empty_boxes(tmp_path):
    # A missing glyph is drawn as a hollow box: the same box for every character. Real glyphs
    # differ, so two different labels must render differently.
    one = bar_chart("", ["书法"], [1], tmp_path / "a.png")
    two = bar_chart("", ["太极"], [1], tmp_path / "b.png")
    with Image.open(one) as a, Image.open(two) as b:
        assert a.size == b.size
        assert a.tobytes() != b.tobytes()
