"""Bar charts as PNG files, with Chinese labels in the CJK font that ships with the mplfonts package.

The font is always given by file, never by family name, so a different font installed on the
machine under the same name is never picked. Characters the font lacks (emoji and the like) are
left out of labels rather than drawn as empty boxes.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
LABEL_WIDTH = 14  # characters per label line before it wraps
BAR_COLOR = "#d9534f"


@lru_cache(maxsize=1)
def font_path() -> str:
    """The bundled Noto Sans CJK SC file."""
    path = resources.files(FONT_PACKAGE) / "fonts" / FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"{FONT_PACKAGE} is installed without {FONT_FILE}")
    return str(path)


def font(size: float = 11) -> FontProperties:
    """The bundled CJK font at a size."""
    return FontProperties(fname=font_path(), size=size)


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont
    with TTFont(font_path(), lazy=True) as face:
        return frozenset(face.getBestCmap())


def drawable(text: str) -> str:
    """The text without characters the font cannot draw (line breaks kept)."""
    covered = _covered()
    return "".join(ch for ch in text if ch == "\n" or ord(ch) in covered).strip()


def _wrap(label: str) -> str:
    label = drawable(label) or "—"
    return "\n".join(label[i:i + LABEL_WIDTH] for i in range(0, len(label), LABEL_WIDTH))


def _format(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.1f}%"
    return f"{value:g}"


def _titled_figure(title: str, height: float):
    """A figure of one axes, at least 2.5 inches tall, with its title in the bundled font."""
    fig = Figure(figsize=(8, max(2.5, height)), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(drawable(title), fontproperties=font(14))
    return fig, ax


def _empty(fig: Figure, ax, empty_text: str) -> Figure:
    """The figure with no bars, saying there is nothing to show."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, empty_text, ha="center", va="center", fontproperties=font(13), transform=ax.transAxes)
    return fig


def chart_figure(title: str, labels: Sequence[str], values: Sequence[float], *,
                 percent: bool = False, empty_text: str = "暂无数据") -> Figure:
    """A horizontal bar chart, the first label on top, each bar marked with its value."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    rows = len(labels)
    fig, ax = _titled_figure(title, 1.2 + 0.45 * rows)
    if rows == 0:
        return _empty(fig, ax, empty_text)
    positions = list(range(rows))[::-1]
    bars = ax.barh(positions, list(values), color=BAR_COLOR, height=0.6)
    ax.set_yticks(positions, [_wrap(label) for label in labels], fontproperties=font(10))
    top = max(max(values), 0)
    # Shares always on a 0–100% scale, so months and courses compare at a glance.
    right = 1.15 if percent else (1 if top == 0 else top * 1.18)
    ax.set_xlim(0, right)
    # Fixed ticks, so every tick label is drawn in the bundled font too.
    last_tick = min(right, 1.0) if percent else right
    locator = MaxNLocator(nbins=5, integer=not percent)
    ticks = [v for v in locator.tick_values(0, last_tick) if 0 <= v <= right]
    ax.set_xticks(ticks, [f"{v * 100:.0f}%" if percent else f"{v:g}" for v in ticks],
                  fontproperties=font(10))
    for bar, value in zip(bars, values):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + _format(value, percent),
                va="center", fontproperties=font(10))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


SERIES_COLORS = ("#337ab7", BAR_COLOR, "#5cb85c", "#f0ad4e")


def grouped_figure(title: str, labels: Sequence[str], series: dict[str, Sequence[float]], *,
                   empty_text: str = "暂无数据") -> Figure:
    """Horizontal bars of several series side by side for each label, the first label on top."""
    if any(len(values) != len(labels) for values in series.values()):
        raise ValueError("labels and values differ in length")
    rows, count = len(labels), max(len(series), 1)
    fig, ax = _titled_figure(title, 1.4 + 0.35 * rows * count)
    if rows == 0:
        return _empty(fig, ax, empty_text)
    height = 0.8 / count
    top = 0
    for index, (name, values) in enumerate(series.items()):
        positions = [rows - 1 - row + 0.4 - height * (index + 0.5) for row in range(rows)]
        bars = ax.barh(positions, list(values), height=height * 0.9, label=drawable(name),
                       color=SERIES_COLORS[index % len(SERIES_COLORS)])
        for bar, value in zip(bars, values):
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + _format(value, False),
                    va="center", fontproperties=font(9))
        top = max(top, max(values, default=0))
    ax.set_yticks(list(range(rows))[::-1], [_wrap(label) for label in labels], fontproperties=font(10))
    right = 1 if top == 0 else top * 1.18
    ax.set_xlim(0, right)
    ticks = [v for v in MaxNLocator(nbins=5, integer=True).tick_values(0, right) if 0 <= v <= right]
    ax.set_xticks(ticks, [f"{v:g}" for v in ticks], fontproperties=font(10))
    ax.legend(prop=font(10), loc="best")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def grouped_bar_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[float]],
                      out_path: str | Path) -> Path:
    """Draw side-by-side bars of several series to a PNG file and return its path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    grouped_figure(title, labels, series).savefig(out, format="png")
    return out


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], out_path: str | Path, *,
              percent: bool = False) -> Path:
    """Draw a bar chart to a PNG file and return its path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig = chart_figure(title, labels, values, percent=percent)
    fig.savefig(out, format="png")
    return out
