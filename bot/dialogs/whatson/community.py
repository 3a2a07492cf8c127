"""我的社区: chosen once from the communities venues are in, changeable in 设置."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.links import MINE, MyCommunity, WhatsOn
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from bot.search.when import SOON
from store.whatson import communities, community_of, set_community

# Communities on one screen: with 下一页, 上一页 and 主菜单 that makes eight choices at most.
PER_PAGE = 5

router = Router("whatson.community")
router.keywords({"我的社区", "选择社区", "选社区"}, MyCommunity)


@router.payload(MyCommunity)
def choose_community(ctx: Context, data: MyCommunity) -> Reply:
    """The communities to choose from, a page at a time; with pick, remember that one."""
    names = communities(ctx.session)
    if not names:
        return Reply(ctx.t("comm_none"), (menu_button(ctx),))
    if data.pick is not None and 1 <= data.pick <= len(names):
        chosen = names[data.pick - 1]
        set_community(ctx.session, ctx.resident_id, chosen)
        return Reply(ctx.t("comm_set", community=chosen),
                     (Choice(ctx.t("btn_comm_activities", community=chosen), WhatsOn(SOON, 1, MINE).pack()),
                      menu_button(ctx)))
    current = community_of(ctx.session, ctx.resident_id) or ctx.t("comm_unset")
    items = [Choice(name, MyCommunity(1, n).pack()) for n, name in enumerate(names, 1)]
    page = clamp_page(data.page, page_count(len(items), PER_PAGE))
    choices, note = render_choices(ctx, items, page, lambda p: MyCommunity(p).pack(), menu_button(ctx),
                                   size=PER_PAGE)
    return Reply(ctx.t("comm_title", current=current) + note, tuple(choices))
