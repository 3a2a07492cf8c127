"""近期活动: the sessions of a day, the weekend or the week, in time order, a page at a time;
typed time words reach here through search ("明天上午", "周六的太极")."""
from __future__ import annotations

from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.links import MINE, MyCommunity, WhatsOn, course_link
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.dialogs.router import Router
from bot.dialogs.whatson.subjects import courses_about
from bot.dialogs.whatson.window import dates_label, in_part, span_label, utc_range
from bot.messages import Choice, Reply
from bot.search.when import SOON, TODAY, TOMORROW, WEEK, WEEKEND, from_code
from store.units import branch_of, subtree_ids, unit_by_code
from store.whatson import SessionOn, community_of, home_unit_of, sessions_between

# Sessions on one screen: with 下一页, 上一页 and 返回 that makes eight choices at most.
PER_PAGE = 5
MAX_CHOICES = 8
# The place of a WhatsOn that names a unit by code (the resident's 分馆): "~FG-HP".
BRANCH = "~"

router = Router("whatson.sessions")


class WhatsOnMenu(Callback, prefix="wom"):
    pass


# Under 更多服务: the main menu keeps to six entries, the most one WeCom button card holds.
router.menu(1, "btn_whatson", WhatsOnMenu)
router.keywords({"近期活动", "活动", "有什么活动", "/whatson"}, WhatsOnMenu)


@router.payload(WhatsOnMenu, on_behalf=True)
def show_picker(ctx: Context, data: WhatsOnMenu | None = None) -> Reply:
    """今天 / 明天 / 本周 / 周末 / 我的社区."""
    mine = community_of(ctx.session, ctx.resident_id)
    home = home_unit_of(ctx.session, ctx.resident_id)
    branch = branch_of(ctx.session, home) if home else None
    district = [Choice(ctx.t("btn_wo_today"), WhatsOn(TODAY).pack()),
                Choice(ctx.t("btn_wo_tomorrow"), WhatsOn(TOMORROW).pack()),
                Choice(ctx.t("btn_wo_week"), WhatsOn(WEEK).pack()),
                Choice(ctx.t("btn_wo_weekend"), WhatsOn(WEEKEND).pack())]
    if not mine:
        choices = district + [Choice(ctx.t("btn_wo_pick_community"), MyCommunity().pack())]
        return Reply(ctx.t("wo_title"), tuple(choices + [menu_button(ctx)]))
    # 我家门口 first: the resident's 服务点, then their 分馆, then the whole district.
    near = [Choice(ctx.t("btn_wo_mine", community=mine), WhatsOn(SOON, 1, MINE).pack())]
    if branch is not None:
        near.append(Choice(ctx.t("units_wo_branch", branch=branch.name), WhatsOn(SOON, 1, BRANCH + branch.code).pack()))
    return Reply(ctx.t("units_wo_title"), tuple(near + district + [menu_button(ctx)]))


def _item(ctx: Context, found: SessionOn) -> Choice:
    local = to_local(found.session.starts_at, ctx.tz)
    label = ctx.t("wo_item", month=local.month, day=local.day, weekday=ctx.t("weekday")[local.weekday()],
                  time=local.strftime("%H:%M"), title=found.course.title)
    return Choice(label[:60], course_link(found.course.code))


@router.payload(WhatsOn, on_behalf=True)
def show_sessions(ctx: Context, data: WhatsOn) -> Reply:
    """The sessions of a window, in time order, a page at a time; each opens its course."""
    when = from_code(data.when)
    if when is None:
        return show_picker(ctx)
    place, unit_ids = data.place or "", None
    if place.startswith(BRANCH):
        unit = unit_by_code(ctx.session, place[len(BRANCH):])
        place, unit_ids = (unit.name, subtree_ids(ctx.session, unit.id)) if unit else ("", None)
    if place == MINE:
        place = community_of(ctx.session, ctx.resident_id)
        if not place:
            return Reply(ctx.t("wo_no_community"), (Choice(ctx.t("btn_wo_pick_community"), MyCommunity().pack()),
                                                   Choice(ctx.t("btn_back"), WhatsOnMenu().pack()),
                                                   menu_button(ctx)))
    subject = data.q or ""
    start, end = utc_range(ctx, when)
    course_ids = courses_about(ctx, subject) if subject else None
    found = [s for s in sessions_between(ctx.session, start, end, course_ids=course_ids,
                                         community="" if unit_ids is not None else place, unit_ids=unit_ids)
             if in_part(ctx, when, s.session.starts_at)]
    words = dict(span=span_label(ctx, when), dates=dates_label(ctx, when),
                 place=ctx.t("wo_place", community=place) if place else "",
                 subject=ctx.t("wo_subject", subject=subject) if subject else "")
    back = Choice(ctx.t("btn_back"), WhatsOnMenu().pack())
    if not found:
        choices = [back, menu_button(ctx)]
        if subject or place:
            choices.insert(0, Choice(ctx.t("btn_wo_all", span=words["span"]), WhatsOn(when.code).pack()))
        return Reply(ctx.t("wo_empty", **words), tuple(choices))
    items = [_item(ctx, s) for s in found]
    page = clamp_page(data.page, page_count(len(items), PER_PAGE))
    place_arg = data.place or ("" if data.q else None)  # only trailing fields may be left out
    choices, note = render_choices(ctx, items, page, lambda p: WhatsOn(when.code, p, place_arg, data.q).pack(),
                                   back, size=PER_PAGE)
    if len(choices) < MAX_CHOICES:
        choices.append(menu_button(ctx))
    return Reply(ctx.t("wo_list", count=len(found), **words) + note, tuple(choices))

