"""我的积分 (为民银行): balance, hours, the latest entries, and exchanging points for rewards."""
from __future__ import annotations

import secrets

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import paged
from bot.dialogs.points_push import format_hours
from bot.dialogs.router import Router
from bot.dialogs.volunteers.callbacks import AskRedeem, Points, Redeem, Rewards, VolunteerHome
from bot.messages import Choice, Reply
from store.models import PointEntry, Reward
from store.models.volunteers import ACTIVE, PAUSED, PENDING
from store.points import balance, recent_entries, service_minutes
from store.rewards import active_rewards, redeem
from store.volunteers import volunteer_of

ENTRIES_SHOWN = 5

router = Router("volunteers.points")
router.menu(60, "btn_points", Points)
router.keywords({"我的积分", "积分", "/points"}, Points)


def entry_line(ctx: Context, entry: PointEntry) -> str:
    """'12月1日 +2 分 讲课：零基础毛笔书法'."""
    kind = entry.source.split(":", 1)[0]
    if kind in ("order", "session", "redeem", "shift"):
        what = ctx.t(f"pts_src_{kind}" if entry.reason else f"pts_src_{kind}_plain", reason=entry.reason)
    else:
        what = entry.reason or ctx.t("pts_src_manual")
    day = to_local(entry.created_at, ctx.tz)
    return ctx.t("pts_line", month=day.month, day=day.day, points=f"{entry.points:+d}", what=what)


def volunteer_button(ctx: Context) -> Choice:
    """志愿者登记 for newcomers, 志愿者服务 for those already registered."""
    found = volunteer_of(ctx.session, ctx.resident_id)
    known = found is not None and found.status in (PENDING, ACTIVE, PAUSED)
    return Choice(ctx.t("btn_volunteer" if known else "btn_volunteer_register"), VolunteerHome().pack())


@router.payload(Points)
def my_points(ctx: Context, data: Points) -> Reply:
    """Balance, total hours of service and the last entries."""
    entries = recent_entries(ctx.session, ctx.resident_id, ENTRIES_SHOWN)
    text = ctx.t("pts_title", balance=balance(ctx.session, ctx.resident_id),
                 hours=format_hours(service_minutes(ctx.session, ctx.resident_id)))
    if entries:
        text += "\n" + ctx.t("pts_recent") + "\n" + "\n".join(entry_line(ctx, e) for e in entries)
    else:
        text += "\n" + ctx.t("pts_empty")
    choices = (Choice(ctx.t("btn_rewards"), Rewards().pack()), volunteer_button(ctx), menu_button(ctx))
    return Reply(text, choices)


def reward_label(ctx: Context, reward: Reward) -> str:
    """'毛笔书法套装（20 分，剩 10 件）', or 已兑完 when none is left."""
    if reward.stock <= 0:
        return ctx.t("reward_label_gone", name=reward.name, points=reward.points)
    return ctx.t("reward_label", name=reward.name, points=reward.points, stock=reward.stock)


@router.payload(Rewards)
def rewards_list(ctx: Context, data: Rewards) -> Reply:
    """The rewards on offer, numbered, with points and stock."""
    rewards = active_rewards(ctx.session)
    back = Choice(ctx.t("btn_back"), Points().pack())
    if not rewards:
        return Reply(ctx.t("rewards_none"), (back, menu_button(ctx)))
    items = [Choice(reward_label(ctx, r), AskRedeem(r.id).pack()) for r in rewards]
    choices, note = paged(ctx, items, data.page, lambda p: Rewards(p).pack(), back)
    text = ctx.t("rewards_title", balance=balance(ctx.session, ctx.resident_id))
    return Reply(f"{text}{note}", tuple(choices))


def _reward(ctx: Context, reward_id: int) -> Reward | None:
    reward = ctx.session.get(Reward, reward_id)
    return reward if reward is not None and reward.active else None


@router.payload(AskRedeem)
def confirm_redeem(ctx: Context, data: AskRedeem) -> Reply:
    """Ask before exchanging points, or say why it cannot be done."""
    reward = _reward(ctx, data.reward)
    back = (Choice(ctx.t("btn_rewards"), Rewards().pack()), menu_button(ctx))
    if reward is None:
        return Reply(ctx.t("reward_missing"), back)
    have = balance(ctx.session, ctx.resident_id)
    if reward.stock <= 0:
        return Reply(ctx.t("reward_gone", name=reward.name), back)
    if have < reward.points:
        return Reply(ctx.t("reward_not_enough", name=reward.name, points=reward.points, balance=have), back)
    # A one-time token: a second tap on an old 确认兑换 must not exchange twice.
    token = secrets.token_hex(4)
    ctx.data["redeem_token"] = token
    return Reply(ctx.t("reward_confirm", name=reward.name, points=reward.points, left=have - reward.points),
                 (Choice(ctx.t("btn_confirm_redeem"), Redeem(reward.id, token).pack()),
                  Choice(ctx.t("btn_not_now"), Rewards().pack())))


@router.payload(Redeem)
def do_redeem(ctx: Context, data: Redeem) -> Reply:
    """Exchange points for the reward: stock and balance change together, or not at all."""
    after = (Choice(ctx.t("btn_points"), Points().pack()), menu_button(ctx))
    token = ctx.data.pop("redeem_token", None)
    if not token or data.token != token:
        return Reply(ctx.t("reward_stale"), after)
    reward = _reward(ctx, data.reward)
    if reward is None:
        return Reply(ctx.t("reward_missing"), after)
    result = redeem(ctx.session, ctx.resident_id, reward.id, ctx.now)
    if result.status == "requested":
        return Reply(ctx.t("reward_done", name=reward.name, points=reward.points, balance=result.balance),
                     after)
    if result.status == "no_stock":
        return Reply(ctx.t("reward_gone", name=reward.name), after)
    if result.status == "not_enough":
        return Reply(ctx.t("reward_not_enough", name=reward.name, points=reward.points,
                           balance=result.balance), after)
    return Reply(ctx.t("reward_missing"), after)
