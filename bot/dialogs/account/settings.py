"""设置: a resident switches class reminders off and on (all of them here, per course in
course_reminders)."""
from __future__ import annotations

from bot.dialogs.account.my_data import MyData
from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.links import MyCommunity, MyFamily
from bot.dialogs.menus import main_menu_choices, menu_button
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from store.models import Resident


class Settings(Callback, prefix="set"):
    """设置, or a switch: set:rem:on / set:rem:off."""

    what: str | None = None
    value: str | None = None


class CourseReminders(Callback, prefix="setc"):
    """按课程设置提醒: a page of the resident's courses, or one course's switch (setc:PAGE:ENROLMENT:on)."""

    page: int | None = None
    enrolment: int | None = None
    to: str | None = None


router = Router("account.settings")
router.menu(10, "btn_settings", Settings)
router.keywords({"设置", "/settings", "提醒设置", "上课提醒"}, Settings)


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
    switch = (Choice(ctx.t("btn_reminders_off"), Settings("rem", "off").pack()) if resident.reminders_on
              else Choice(ctx.t("btn_reminders_on"), Settings("rem", "on").pack()))
    community = (Choice(ctx.t("btn_wo_mine", community=resident.community), MyCommunity().pack())
                 if resident.community else Choice(ctx.t("btn_wo_pick_community"), MyCommunity().pack()))
    return Reply(ctx.t("settings_title", state=state, offsets=offsets_text(ctx)),
                 (switch, Choice(ctx.t("btn_course_reminders"), CourseReminders().pack()), community,
                  Choice(ctx.t("btn_my_data"), MyData().pack()), Choice(ctx.t("btn_my_family"), MyFamily().pack()),
                  menu_button(ctx)))


@router.payload(Settings)
def show_settings(ctx: Context, data: Settings) -> Reply:
    """The settings screen, or a switch of reminders (set:rem:on / set:rem:off)."""
    resident = ctx.session.get(Resident, ctx.resident_id)
    if data.what != "rem" or data.value not in ("on", "off"):
        return settings_screen(ctx, resident)
    resident.reminders_on = data.value == "on"
    ctx.session.add(resident)
    if resident.reminders_on:
        return Reply(ctx.t("reminders_turned_on", offsets=offsets_text(ctx)), main_menu_choices(ctx))
    return Reply(ctx.t("reminders_turned_off"), main_menu_choices(ctx))
