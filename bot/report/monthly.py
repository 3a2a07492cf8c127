"""The monthly report organizers hand upward: one workbook, and two charts for the chat."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.charts import bar_chart
from bot.report import queries, services
from bot.report.attribution import attribute, tree_order
from bot.report.monthly_data import LEVEL_NAMES, MonthlyData
from bot.report.months import Month
from bot.report.opening import Rules, check_venues
from bot.report.rollup import roll_up
from bot.report.unit_sheets import level_sheets, opening_sheet, units_chart
from bot.report.workbook import Hours, Percent, add_pairs, add_table, mask_phone, new_workbook, save
from bot.texts import t
from store.models.rating import GRADES
from store.units import unit_by_code

CHART_ROWS = 40


class UnknownUnit(LookupError):
    """No unit has the code asked for."""


@dataclass(frozen=True)
class MonthlyReport:
    """The files made for one month."""

    month: Month
    workbook: Path
    charts: tuple[Path, ...]
    data: MonthlyData


def month_days(month: Month) -> tuple[date, date]:
    """The first and last local day of the month."""
    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date(month.year, month.month, 1), after - timedelta(days=1)


def collect(session: Session, month: Month, now: datetime, tz: ZoneInfo,
            open_phone: Callable[[str], str] = services.unreadable_sealed, rules: Rules | None = None,
            unit: str | None = None, level_names: tuple[str, ...] = LEVEL_NAMES) -> MonthlyData:
    """Read the month's figures (contact phones opened with open_phone, then masked): the district's,
    or only what counts in the subtree of the unit coded `unit` (UnknownUnit when there is none)."""
    who = attribute(session, month)
    scope = tree_order(who.tree)
    only: dict[str, set[int] | None] = dict.fromkeys(("courses", "venues", "orders", "entries"))
    top = None
    if unit is not None:
        top = unit_by_code(session, unit)
        if top is None:
            raise UnknownUnit(unit)
        scope = tree_order(who.tree, top.id)
        only = who.within(set(scope))
    by_course, by_teacher = queries.ratings(session, month, only["courses"])
    checks = check_venues(session, rules or Rules({}), *month_days(month), venue_ids=only["venues"])
    data = MonthlyData(month, now, tz, queries.held_sessions(session, month, now, only["courses"]),
                       queries.signups(session, month, only["courses"]), by_course, by_teacher,
                       services.orders(session, month, open_phone, only["orders"]),
                       services.bookings(session, month, only["venues"]),
                       services.volunteer_hours(session, month, only["entries"]), checks,
                       scope=top.name if top else "", level_names=tuple(level_names))
    if scope:
        data.units = roll_up(session, month, who, scope, data, checks)
        data.venue_units = {v: who.tree.units[u].name for v, u in who.venues.items() if u in who.tree.units}
    return data


def _local(when: datetime, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return when.replace(tzinfo=timezone.utc).astimezone(tz).strftime(fmt)


def _sums(rows: list[tuple], first: int) -> list[int]:
    return [sum(row[i] for row in rows) for i in range(first, len(rows[0]))] if rows else []


def _totalled(book, name: str, headers: list[str], rows: list[tuple], first_number: int) -> None:
    total = None
    if rows:
        total = ["合计"] + [""] * (first_number - 1) + _sums(rows, first_number)
    add_table(book, name, headers, rows, total)


def _grade_rows(rows: list[queries.GradeRow], with_name: bool) -> list[tuple]:
    out = []
    for row in rows:
        head = (row.key, row.name, row.teacher) if with_name else (row.key,)
        out.append(head + tuple(row.counts[g] for g in GRADES) + (row.total, Percent(row.good_share)))
    return out


def _grade_sheet(book, name: str, headers: list[str], rows: list[queries.GradeRow], with_name: bool) -> None:
    lines = _grade_rows(rows, with_name)
    total = None
    if rows:
        counts = {g: sum(r.counts[g] for r in rows) for g in GRADES}
        every = sum(counts.values())
        lead = ["合计"] + [""] * (len(headers) - len(GRADES) - 3)
        total = lead + [counts[g] for g in GRADES] + [every, Percent((counts["优"] + counts["良"]) / every)]
    add_table(book, name, headers, lines, total)


def _summary(data: MonthlyData) -> list[tuple[str, object]]:
    served = [o for o in data.orders if o.status in services.SERVED]
    rated = sum(r.total for r in data.by_course)
    good = sum(r.counts["优"] + r.counts["良"] for r in data.by_course)
    return [
        ("月份", data.month.label),
        *([("单位", f"{data.scope}（含下级）")] if data.scope else []),
        ("统计范围", f"{_local(data.month.start, data.tz)} 至 {_local(data.month.end, data.tz)}（{data.tz.key}）"),
        ("生成时间", _local(data.now, data.tz)),
        ("课程场次", len(data.sessions)),
        ("课程人次", data.visits),
        ("本月新报名", sum(r.new for r in data.signups)),
        ("当前候补", sum(r.waiting for r in data.signups)),
        ("本月代办报名", sum(r.proxy for r in data.signups)),
        ("服务点单", len(data.orders)),
        ("完成送服务", len(served)),
        ("送服务人次", sum(o.headcount or 0 for o in served)),
        ("场馆预约", sum(b.booked for b in data.bookings)),
        ("场馆到场人次", sum(b.attendance for b in data.bookings)),
        ("场馆爽约", sum(b.no_show for b in data.bookings)),
        ("课程评价", rated),
        ("优良率", Percent(good / rated) if rated else "—"),
        ("志愿服务时长（小时）", Hours(round(sum(v.minutes for v in data.volunteers) / 60, 2))),
    ]


def write_workbook(data: MonthlyData, path: str | Path) -> Path:
    """Write every sheet of the month to an .xlsx file."""
    book = new_workbook()
    add_pairs(book, "总览", _summary(data))
    held = data.sessions
    _totalled(book, "场次人次-按类别", ["板块", "类别", "场次", "人次"], queries.by_category(held), 2)
    _totalled(book, "场次人次-按板块", ["板块", "场次", "人次"], queries.by_section(held), 1)
    _totalled(book, "场次人次-按教学点", ["教学点", "社区", "场次", "人次"], queries.by_venue(held), 2)
    _totalled(book, "场次人次-按社区", ["社区", "场次", "人次"], queries.by_community(held), 1)
    _totalled(book, "课程出勤", ["日期", "时间", "课程编号", "课程", "类别", "讲师", "教学点", "社区",
                              "人次依据", "开课时已报名", "请假", "人次"],
              [(_local(s.starts_at, data.tz, "%Y-%m-%d"),
                f"{_local(s.starts_at, data.tz, '%H:%M')}–{_local(s.ends_at, data.tz, '%H:%M')}",
                s.course_code, s.course_title, s.category, s.teacher, s.venue, s.community,
                "点名" if s.present is not None else "报名", s.enrolled, s.on_leave, s.visits)
               for s in held], 9)
    _totalled(book, "报名与候补", ["课程编号", "课程", "类别", "讲师", "本月新报名", "本月取消", "当前已报名",
                               "当前候补", "其中代办"],
              [(r.code, r.title, r.category, r.teacher, r.new, r.cancelled, r.confirmed, r.waiting, r.proxy)
               for r in data.signups], 4)
    _totalled(book, "服务点单", ["状态", "单数", "服务人次"],
              services.orders_by_status(data.orders) if data.orders else [], 1)
    add_table(book, "点单明细", ["单号", "服务", "社区", "地点", "预计人数", "实际人数", "联系人", "联系电话",
                              "状态", "下单时间"],
              [(o.number, o.service, o.community, o.place, o.audience,
                o.headcount if o.headcount is not None else "", o.contact_name, mask_phone(o.contact_phone),
                services.status_label(o.status), _local(o.created_at, data.tz))
               for o in data.orders])
    _totalled(book, "场馆预约", ["场馆", "房间", "预约", "已签到", "爽约", "待签到", "已取消", "到场人次"],
              [(b.venue, b.room, b.booked, b.checked_in, b.no_show, b.pending, b.cancelled, b.attendance)
               for b in data.bookings], 2)
    _grade_sheet(book, "满意度-按课程", ["课程编号", "课程", "讲师", *GRADES, "合计", "优良率"],
                 data.by_course, True)
    _grade_sheet(book, "满意度-按讲师", ["讲师", *GRADES, "合计", "优良率"], data.by_teacher, False)
    volunteers = [(v.name, v.community, Hours(round(v.minutes / 60, 2)), v.services, v.points)
                  for v in data.volunteers]
    total = None
    if volunteers:
        total = ["合计", "", Hours(round(sum(v.minutes for v in data.volunteers) / 60, 2)),
                 sum(v.services for v in data.volunteers), sum(v.points for v in data.volunteers)]
    add_table(book, "志愿服务", ["志愿者", "社区", "服务时长（小时）", "服务次数", "获得积分"], volunteers, total)
    opening_sheet(book, data)
    if data.units is not None:
        level_sheets(book, data)
    return save(book, path)


def write_charts(data: MonthlyData, folder: str | Path, stem: str) -> tuple[Path, ...]:
    """Visits by category, the share of 优+良 by course and, with units, the units side by side, as
    PNG files."""
    folder = Path(folder)
    categories = queries.by_category(data.sessions)
    visits = bar_chart(t("report_chart_visits", month=data.month.label), [c[1] for c in categories],
                       [c[3] for c in categories], folder / f"{stem}-visits.png")
    # A picture a phone can show: the most-rated courses; the workbook has them all.
    rated = sorted(data.by_course, key=lambda r: (-r.total, r.key))[:CHART_ROWS]
    good = bar_chart(t("report_chart_good", month=data.month.label), [r.name for r in rated],
                     [r.good_share for r in rated], folder / f"{stem}-satisfaction.png", percent=True)
    units = units_chart(data, folder / f"{stem}-units.png")
    return (visits, good, units) if units else (visits, good)


def monthly_report(session: Session, month: Month, now: datetime, tz: ZoneInfo, out: str | Path,
                   charts_dir: str | Path | None = None,
                   open_phone: Callable[[str], str] = services.unreadable_sealed, rules: Rules | None = None,
                   unit: str | None = None, level_names: tuple[str, ...] = LEVEL_NAMES) -> MonthlyReport:
    """Collect a month (of one unit's subtree when a unit code is given) and write its workbook (and
    its charts when a folder is given)."""
    data = collect(session, month, now, tz, open_phone, rules, unit, level_names)
    workbook = write_workbook(data, out)
    charts = write_charts(data, charts_dir, Path(out).stem) if charts_dir is not None else ()
    return MonthlyReport(month, workbook, tuple(charts), data)
