"""The screens every feature leads back to: the main menu, 更多服务 and help."""
from __future__ import annotations

from bot.dialogs.callback import Callback
from bot.dialogs.context import Context
from bot.dialogs.menus import MORE, main_menu, main_menu_choices, menu_button, menu_choices, privacy_notice
from bot.dialogs.paging import render_choices
from bot.dialogs.router import Router
from bot.messages import Reply

router = Router("home")


class Menu(Callback, prefix="menu"):
    pass


class More(Callback, prefix=MORE):
    page: int | None = None


class Help(Callback, prefix="help"):
    pass


router.menu(40, "btn_help", Help, where="main")
router.keywords({"/start", "start", "/menu", "菜单", "主菜单", "开始", "你好", "您好", "hi", "hello"}, Menu)
router.keywords({"/help", "帮助", "help", "怎么用", "?", "？"}, Help)
router.keywords({"更多服务", "更多"}, More)


@router.payload(Menu, on_behalf=True)
def show_menu(ctx: Context, data: Menu) -> Reply:
    """The main menu."""
    return main_menu(ctx)


@router.payload(More, on_behalf=True)
def show_more(ctx: Context, data: More) -> Reply:
    """更多服务: the features one step down from the main menu, a page at a time."""
    items = menu_choices(ctx, MORE)
    choices, note = render_choices(ctx, items, data.page or 1, lambda p: More(p).pack(), menu_button(ctx))
    return Reply(ctx.t("more_title") + note, tuple(choices))


@router.payload(Help)
def show_help(ctx: Context, data: Help) -> Reply:
    """What one can type, in plain words, and the privacy notice, with the menu below."""
    return Reply(f"{ctx.t('help')}\n\n{privacy_notice(ctx)}", main_menu_choices(ctx))
