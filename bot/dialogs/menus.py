"""The main menu and the way back to it, built from the entries the features declare."""
from __future__ import annotations

from bot.dialogs.acting import stop_choice
from bot.dialogs.context import Context
from bot.messages import Choice, Reply

MORE = "more"


def menu_choices(ctx: Context, where: str) -> list[Choice]:
    """The entries the routers declared for the main menu ("main") or 更多服务 ("more")."""
    routes = ctx.services.routes
    acting = ctx.acting is not None
    return [Choice(ctx.t(item.text_key), item.payload) for item in routes.menu(where)
            if item.shown(ctx) and (not acting or routes.on_behalf(item.payload))]


def main_menu_choices(ctx: Context) -> tuple[Choice, ...]:
    """The main menu's choices: the first four always 服务菜单, 搜索, 我的报名, 帮助.

    Six at most, so the menu still fits one WeCom button card. In 代办 only what can be done for the
    person, and 退出代办."""
    more = [Choice(ctx.t("btn_more"), MORE)]
    if ctx.acting is not None:
        more.append(stop_choice(ctx))
    return tuple(menu_choices(ctx, "main") + more)


def main_menu(ctx: Context, greeting: bool = False, intro: str | None = None) -> Reply:
    """The main menu, with a greeting (and the privacy notice, at first contact) or an explanation on top;
    only the plain menu may be replaced in place, what is said on top of it stays in the chat."""
    text = intro or (f"{ctx.t('greeting')}\n\n{privacy_notice(ctx)}" if greeting else ctx.t("menu_title"))
    return Reply(text, main_menu_choices(ctx), replaceable=not (greeting or intro))


def privacy_notice(ctx: Context) -> str:
    """What is stored, why, for how long, and where to see, export or delete it."""
    return ctx.t("privacy_notice", days=ctx.settings.privacy.history_days)


def menu_button(ctx: Context) -> Choice:
    """A way home from any screen."""
    return Choice(ctx.t("btn_menu"), "menu")
