"""/report [YYYY-MM]: the monthly workbook and its charts, sent to the organizer in the chat; an organizer
of one unit gets the figures of that unit and what is under it."""
from __future__ import annotations

from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.router import Router
from bot.dialogs.staff_access import record_staff_action
from bot.messages import Reply
from bot.report.months import parse_month, previous_month
from bot.report.opening import level_names_of, rules_of
from bot.report.votes import files_dir
from store.models.staff import ADMIN, ORGANIZER
from store.models.units import POINT_LEVEL
from store.roles import roles_of
from store.units import load_tree


class Report(Callback, prefix="report"):
    """Also typed: "/report 2026-11" or "/report 2026 11"."""

    year_or_month: str | None = None
    month: str | None = None


router = Router("reports.monthly")
router.keywords({"/report", "统计报表"}, Report)
router.keywords({"/report", "统计报表"}, Report, argument=True)


def report_unit(ctx: Context) -> str | None:
    """The code of the unit an organizer's report covers: the unit their grants share (the nearest
    one above them all); None (the whole district) for those granted everywhere."""
    grants = [g for g in roles_of(ctx.session, ctx.resident_id) if g.role in (ORGANIZER, ADMIN)]
    if not grants or any(g.unit_id is None and not g.community for g in grants):
        return None
    tree = load_tree(ctx.session)
    points = {u.name: u.id for u in tree.units.values() if u.level == POINT_LEVEL}
    chains = [[u.id for u in tree.chain(g.unit_id or points.get(g.community))] for g in grants]
    shared = [i for i in chains[0] if all(i in chain for chain in chains)]
    return tree.units[shared[0]].code if shared else None


@router.payload(Report, role=ORGANIZER, action="report.monthly")
def monthly_report_in_chat(ctx: Context, data: Report) -> list[Reply]:
    """Last month's report, or the month given; charts first, then the workbook."""
    given = [part for part in (data.year_or_month, data.month) if part is not None]
    month = parse_month("-".join(given), ctx.tz) if given else previous_month(ctx.now, ctx.tz)
    if month is None:
        return [Reply(ctx.t("report_bad_month"), (menu_button(ctx),))]
    if month.start > ctx.now:
        return [Reply(ctx.t("report_future", month=month.label), (menu_button(ctx),))]
    from bot.report.monthly import monthly_report  # matplotlib loads only when a report is made
    folder = files_dir(ctx.settings) / "reports"
    out = folder / f"report-{month.key}-{ctx.now:%Y%m%d%H%M%S}-{ctx.account.id}.xlsx"
    unit = report_unit(ctx)
    report = monthly_report(ctx.session, month, ctx.now, ctx.tz, out, charts_dir=folder, open_phone=ctx.phones().open,
                            rules=rules_of(ctx.settings), unit=unit, level_names=level_names_of(ctx.settings))
    record_staff_action(ctx, "report.monthly", month.key, file=report.workbook.name, **({"unit": unit} if unit else {}))
    visits, good, *units = report.charts
    data = report.data
    done = ctx.t("report_done", month=month.label, sessions=len(data.sessions), visits=data.visits)
    return [
        Reply(ctx.t("report_chart_visits", month=month.label), picture=str(visits)),
        Reply(ctx.t("report_chart_good", month=month.label), picture=str(good)),
        *(Reply(ctx.t("report_chart_by_unit", month=month.label), picture=str(p)) for p in units),
        Reply(ctx.t("report_unit_done", unit=data.scope) + done if data.scope else done,
              (menu_button(ctx),), file=str(report.workbook)),
    ]
