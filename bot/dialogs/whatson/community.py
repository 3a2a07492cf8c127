"""我的社区: chosen once, changeable in 设置. With a tree of units the resident goes 分馆 → 服务点,
or just types the community's name; without one, from the communities venues are in."""
from __future__ import annotations

from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.links import MINE, MyCommunity, WhatsOn
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from bot.search.when import SOON
from store.models.units import POINT_LEVEL, Unit
from store.units import Tree, load_tree
from store.whatson import communities, community_of, set_community

# Communities on one screen: with 下一页, 上一页, 返回 and 主菜单 that makes eight choices at most.
PER_PAGE = 4
PICK_EXPECT = "comm_pick"

router = Router("whatson.community")
router.keywords({"我的社区", "选择社区", "选社区", "我家门口"}, MyCommunity)


class PickBranch(Callback, prefix="commb"):
    """The 服务点 under one unit (a 分馆, or the 总馆's own), a page at a time."""

    unit: int
    page: int | None = None


class PickPoint(Callback, prefix="commp"):
    """This 服务点 is my community."""

    unit: int


def _groups(tree: Tree) -> list[Unit]:
    """The units whose children include 服务点, from the top down: what the first screen lists."""
    return [unit for _, unit in tree.walk()
            if any(kid.level == POINT_LEVEL for kid in tree.kids(unit.id))]


def _chosen(ctx: Context, name: str) -> Reply:
    set_community(ctx.session, ctx.resident_id, name)
    ctx.expect = ""
    return Reply(ctx.t("comm_set", community=name),
                 (Choice(ctx.t("btn_comm_activities", community=name), WhatsOn(SOON, 1, MINE).pack()),
                  menu_button(ctx)))


def _current(ctx: Context) -> str:
    return community_of(ctx.session, ctx.resident_id) or ctx.t("comm_unset")


@router.payload(MyCommunity)
def choose_community(ctx: Context, data: MyCommunity) -> Reply:
    """The 分馆 to choose from (or, without units, the communities), a page at a time."""
    tree = load_tree(ctx.session)
    groups = _groups(tree)
    if not groups:
        return _flat(ctx, data)
    if len(groups) == 1:
        return pick_branch(ctx, PickBranch(groups[0].id, data.page))
    ctx.expect = PICK_EXPECT  # a typed community name answers too
    items = [Choice(unit.name, PickBranch(unit.id).pack()) for unit in groups]
    page = clamp_page(data.page, page_count(len(items), PER_PAGE))
    choices, note = render_choices(ctx, items, page, lambda p: MyCommunity(p).pack(), menu_button(ctx),
                                   size=PER_PAGE)
    return Reply(ctx.t("units_pick_branch", current=_current(ctx)) + note, tuple(choices))


@router.payload(PickBranch)
def pick_branch(ctx: Context, data: PickBranch) -> Reply:
    """The 服务点 of one unit, with 返回 to the list of 分馆."""
    tree = load_tree(ctx.session)
    unit = tree.units.get(data.unit)
    if unit is None:
        return choose_community(ctx, MyCommunity())
    ctx.expect = PICK_EXPECT
    items = [Choice(kid.name, PickPoint(kid.id).pack()) for kid in tree.kids(unit.id) if kid.level == POINT_LEVEL]
    back = Choice(ctx.t("btn_back"), MyCommunity().pack()) if len(_groups(tree)) > 1 else None
    page = clamp_page(data.page, page_count(len(items), PER_PAGE))
    choices, note = render_choices(ctx, items, page, lambda p: PickBranch(unit.id, p).pack(), back,
                                   size=PER_PAGE, tail=(menu_button(ctx),))
    return Reply(ctx.t("units_pick_point", branch=unit.name, current=_current(ctx)) + note, tuple(choices))


@router.payload(PickPoint)
def pick_point(ctx: Context, data: PickPoint) -> Reply:
    """Remember the 服务点 chosen."""
    unit = ctx.session.get(Unit, data.unit)
    if unit is None or unit.level != POINT_LEVEL:
        return choose_community(ctx, MyCommunity())
    return _chosen(ctx, unit.name)


@router.state(PICK_EXPECT)
def typed_community(ctx: Context, text: str) -> Reply:
    """A community typed by name: one match is chosen, several are offered, none is said so."""
    tree = load_tree(ctx.session)
    points = [u for u in tree.units.values() if u.level == POINT_LEVEL]
    words = text.strip()
    exact = [u for u in points if u.name == words]
    found = exact or [u for u in points if words and (words in u.name or u.name in words)]
    if len(found) == 1:
        return _chosen(ctx, found[0].name)
    ctx.expect = PICK_EXPECT
    back = Choice(ctx.t("btn_back"), MyCommunity().pack())
    if not found:
        return Reply(ctx.t("units_pick_unknown", text=words[:20]), (back, menu_button(ctx)))
    items = [Choice(u.name, PickPoint(u.id).pack()) for u in sorted(found, key=lambda u: u.code)]
    choices, note = render_choices(ctx, items, 1, lambda p: MyCommunity(p).pack(), back, size=PER_PAGE,
                                   tail=(menu_button(ctx),))
    return Reply(ctx.t("units_pick_several", text=words[:20]) + note, tuple(choices))


def _flat(ctx: Context, data: MyCommunity) -> Reply:
    """Without units: the communities venues are in; with pick, remember that one."""
    names = communities(ctx.session)
    if not names:
        return Reply(ctx.t("comm_none"), (menu_button(ctx),))
    if data.pick is not None and 1 <= data.pick <= len(names):
        return _chosen(ctx, names[data.pick - 1])
    items = [Choice(name, MyCommunity(1, n).pack()) for n, name in enumerate(names, 1)]
    page = clamp_page(data.page, page_count(len(items), PER_PAGE + 1))
    choices, note = render_choices(ctx, items, page, lambda p: MyCommunity(p).pack(), menu_button(ctx),
                                   size=PER_PAGE + 1)
    return Reply(ctx.t("comm_title", current=_current(ctx)) + note, tuple(choices))
