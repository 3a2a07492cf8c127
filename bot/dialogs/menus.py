"""The main menu, help, and the screens that lead back to it."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.replies import Choice, Reply
from bot.dialogs.router import on_payload


def main_menu_choices(ctx: Context) -> tuple[Choice, ...]:
    """The main menu's choices."""
    return (
        Choice(ctx.t("btn_browse"), "browse"),
        Choice(ctx.t("btn_search"), "search"),
        Choice(ctx.t("btn_my"), "my"),
        Choice(ctx.t("btn_help"), "help"),
    )


def main_menu(ctx: Context, greeting: bool = False, intro: str | None = None) -> Reply:
    """The main menu, with a greeting or an explanation on top."""
    text = intro or ctx.t("greeting" if greeting else "menu_title")
    return Reply(text, main_menu_choices(ctx))


def menu_button(ctx: Context) -> Choice:
    """A way home from any screen."""
    return Choice(ctx.t("btn_menu"), "menu")


@on_payload("menu")
def show_menu(ctx: Context, args: list[str]) -> Reply:
    """The main menu."""
    return main_menu(ctx)


@on_payload("help")
def show_help(ctx: Context, args: list[str]) -> Reply:
    """What one can type, in plain words, with the menu below."""
    return Reply(ctx.t("help"), main_menu_choices(ctx))
