"""订阅通知: a resident gets a community's notices in private chat too (or stops getting them)."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import clamp_page, render_choices
from bot.messages import Choice, Reply
from bot.dialogs.legacy import add_menu_item, on_payload
from store.groups import known_communities
from store.notices import subscribe, subscriptions_of, unsubscribe

add_menu_item(50, "btn_notice_sub", "nsub", "more")


def _screen(ctx: Context, page: int, intro: str = "") -> Reply:
    communities = known_communities(ctx.session)
    mine = set(subscriptions_of(ctx.session, ctx.resident_id))
    communities += sorted(mine - set(communities))  # a subscription outlives its community's groups
    if not communities:
        return Reply(ctx.t("sub_none"), (menu_button(ctx),))
    ctx.data["nsub"] = communities
    items = [Choice(ctx.t("btn_sub_off" if name in mine else "btn_sub_on", community=name), f"nsubt:{i}")
             for i, name in enumerate(communities)]
    choices, note = render_choices(ctx, items, page, lambda p: f"nsub:{p}", menu_button(ctx))
    state = "、".join(sorted(mine)) if mine else ctx.t("sub_nothing")
    text = ctx.t("sub_title", mine=state) + note
    return Reply(f"{intro}\n\n{text}".strip(), tuple(choices))


@on_payload("nsub")
def show_subscriptions(ctx: Context, args: list[str]) -> Reply:
    """Which communities' notices come to this chat, with a switch for each."""
    return _screen(ctx, clamp_page(args[0] if args else None, 10 ** 6))


@on_payload("nsubt")
def toggle(ctx: Context, args: list[str]) -> Reply:
    """Subscribe to a community, or stop when already subscribed."""
    try:
        index = int(args[0])
        community = (ctx.data.get("nsub") or [])[index] if index >= 0 else None  # "-1" is no button of ours
    except (IndexError, ValueError):
        community = None
    if community is None:
        return _screen(ctx, 1)
    if subscribe(ctx.session, ctx.resident_id, community, ctx.now):
        return _screen(ctx, 1, ctx.t("sub_on", community=community))
    unsubscribe(ctx.session, ctx.resident_id, community)
    return _screen(ctx, 1, ctx.t("sub_off", community=community))
