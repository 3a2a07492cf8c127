"""The monthly workbook's sheets by unit: one per level, the opening-hours sheet, and the chart of
the units side by side."""
from __future__ import annotations

from pathlib import Path

from bot.charts import grouped_bar_chart
from bot.report.monthly_data import MonthlyData
from bot.report.rollup import Figures, level_rows
from bot.report.workbook import Hours, Percent, add_table
from bot.texts import t
from store.units import level_name as name_of_level

UNIT_HEADERS = ["上级", "单位编号", "单位", "场次", "人次", "新报名", "点单", "完成", "完成率", "场馆预约",
                "评价", "优良率", "志愿服务时长（小时）", "考核场馆", "开放达标", "达标率"]


def _rate(value: float | None) -> object:
    return Percent(value) if value is not None else "—"


def _unit_cells(fig: Figures) -> list:
    return [fig.sessions, fig.visits, fig.signups, fig.orders, fig.served, _rate(fig.completion), fig.bookings,
            fig.rated, _rate(fig.good_share), Hours(fig.minutes / 60), fig.venues_assessed,
            fig.venues_compliant, _rate(fig.compliant_share)]


def level_name(data: MonthlyData, level: int) -> str:
    """总馆, 分馆, 服务点 (as the settings name them) for a level."""
    return name_of_level(level, data.level_names)


def level_sheets(book, data: MonthlyData) -> None:
    """One sheet per level: each unit with its subtree, 本级 rows after each parent's units."""
    for level in data.units.levels():
        rows = level_rows(data.units, level)
        total = Figures()
        for row in rows:
            total.add(row.figures)
        add_table(book, level_name(data, level), UNIT_HEADERS,
                  [(row.parent, row.code, row.name, *_unit_cells(row.figures)) for row in rows],
                  ["合计", "", "", *_unit_cells(total)])


def opening_sheet(book, data: MonthlyData) -> None:
    """Each venue against the opening-hours standard, with its unit."""
    add_table(book, "场馆开放达标", ["场馆编号", "场馆", "类型", "单位", "每周开放（小时）", "最低要求", "周末",
                                 "节假日", "结果", "原因"],
              [(c.code, c.name, c.kind_label, data.venue_units.get(c.venue_id, ""), Hours(c.hours),
                c.minimum if c.minimum is not None else "—", c.weekend_text, c.holiday_text, c.result,
                "；".join(c.reasons)) for c in data.checks])


def units_chart(data: MonthlyData, path: Path) -> Path | None:
    """场次 and 人次 of the units one level below the top of the report, side by side (with the top's
    本级), as a PNG file; None when there are no units."""
    if data.units is None:
        return None
    levels = data.units.levels()
    level = levels[1] if len(levels) > 1 else levels[0]
    rows = level_rows(data.units, level)
    title = t("report_chart_units", month=data.month.label, level=level_name(data, level))
    return grouped_bar_chart(title, [r.name for r in rows], {
        t("report_series_sessions"): [r.figures.sessions for r in rows],
        t("report_series_visits"): [r.figures.visits for r in rows]}, path)
