"""订阅通知: a resident gets a community's notices in private chat too (or stops getting them)."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.notices.callbacks import Subscriptions, Toggle
from bot.dialogs.paging import clamp_page, render_choices
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from store.groups import known_communities
from store.notices import subscribe, subscriptions_of, unsubscribe

router = Router("notices.subscriptions")
router.menu(50, "btn_notice_sub", Subscriptions)
router.keywords({"订阅通知", "/subscribe"}, Subscriptions)


def _screen(ctx: Context, page: int, intro: str = "") -> Reply:
    communities = known_communities(ctx.session)
    mine = set(subscriptions_of(ctx.session, ctx.resident_id))
    communities += sorted(mine - set(communities))  # a subscription outlives its community's groups
    if not communities:
        return Reply(ctx.t("sub_none"), (menu_button(ctx),))
    ctx.data["nsub"] = communities
    items = [Choice(ctx.t("btn_sub_off" if name in mine else "btn_sub_on", community=name), Toggle(i).pack())
             for i, name in enumerate(communities)]
    choices, note = render_choices(ctx, items, page, lambda p: Subscriptions(p).pack(), menu_button(ctx))
    state = "、".join(sorted(mine)) if mine else ctx.t("sub_nothing")
    text = ctx.t("sub_title", mine=state) + note
    return Reply(f"{intro}\n\n{text}".strip(), tuple(choices))


@router.payload(Subscriptions)
def show_subscriptions(ctx: Context, data: Subscriptions) -> Reply:
    """Which communities' notices come to this chat, with a switch for each."""
    return _screen(ctx, clamp_page(data.page, 10 ** 6))


@router.payload(Toggle)
def toggle(ctx: Context, data: Toggle) -> Reply:
    """Subscribe to a community, or stop when already subscribed."""
    shown = ctx.data.get("nsub") or []
    community = shown[data.index] if 0 <= data.index < len(shown) else None  # "-1" is no button of ours
    if community is None:
        return _screen(ctx, 1)
    if subscribe(ctx.session, ctx.resident_id, community, ctx.now):
        return _screen(ctx, 1, ctx.t("sub_on", community=community))
    unsubscribe(ctx.session, ctx.resident_id, community)
    return _screen(ctx, 1, ctx.t("sub_off", community=community))
