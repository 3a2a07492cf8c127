"""How a notice looks: its head line, its target in words, local times."""
from __future__ import annotations

from datetime import datetime

from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from store.models.notices import ALL, COMMUNITY, GRID
from store.notices import Target

def local_time_text(ctx: Context, when: datetime) -> str:
    """'12月3日（周四）18:00' for a naive UTC time."""
    local = to_local(when, ctx.tz)
    return ctx.t("notice_at", month=local.month, day=local.day,
                 weekday=ctx.t("weekday")[local.weekday()], time=local.strftime("%H:%M"))


def target_label(ctx: Context, target: Target) -> str:
    """幸福社区 / 幸福社区·第一网格 / 全部社区."""
    if target.kind == GRID:
        return ctx.t("notice_target_grid", community=target.community, grid=target.grid)
    if target.kind == COMMUNITY:
        return target.community
    return ctx.t("notice_target_all")


def notice_message(ctx: Context, text: str, target: Target, urgent: bool) -> str:
    """The notice exactly as groups and subscribers get it."""
    where = target_label(ctx, target) if target.kind != ALL else ctx.t("notice_where_all")
    head = ctx.t("notice_head_urgent" if urgent else "notice_head", where=where)
    return f"{head}\n{text}"
