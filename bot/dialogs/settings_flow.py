"""设置: a resident switches class reminders off and on (all of them here, per course in
course_reminders_flow)."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.menus import main_menu_choices, menu_button
from bot.messages import Choice, Reply
from bot.dialogs.router import on_payload
from store.models import Resident


def offsets_text(ctx: Context) -> str:
    """'1 天、1 小时' from the configured reminder offsets."""
    parts = []
    for minutes in ctx.settings.scheduler.reminder_offsets_minutes:
        if minutes % 1440 == 0:
            parts.append(ctx.t("offset_days", n=minutes // 1440))
        elif minutes % 60 == 0:
            parts.append(ctx.t("offset_hours", n=minutes // 60))
        else:
            parts.append(ctx.t("offset_minutes", n=minutes))
    return ctx.t("offset_sep").join(parts)


def settings_screen(ctx: Context, resident: Resident) -> Reply:
    """Whether reminders are on, and the switch."""
    state = ctx.t("reminders_state_on" if resident.reminders_on else "reminders_state_off")
    switch = (Choice(ctx.t("btn_reminders_off"), "set:rem:off") if resident.reminders_on
              else Choice(ctx.t("btn_reminders_on"), "set:rem:on"))
    return Reply(ctx.t("settings_title", state=state, offsets=offsets_text(ctx)),
                 (switch, Choice(ctx.t("btn_course_reminders"), "setc"), menu_button(ctx)))


@on_payload("set")
def show_settings(ctx: Context, args: list[str]) -> Reply:
    """The settings screen, or a switch of reminders (set:rem:on / set:rem:off)."""
    resident = ctx.session.get(Resident, ctx.resident_id)
    if len(args) < 2 or args[0] != "rem" or args[1] not in ("on", "off"):
        return settings_screen(ctx, resident)
    resident.reminders_on = args[1] == "on"
    ctx.session.add(resident)
    if resident.reminders_on:
        return Reply(ctx.t("reminders_turned_on", offsets=offsets_text(ctx)), main_menu_choices(ctx))
    return Reply(ctx.t("reminders_turned_off"), main_menu_choices(ctx))
