"""The main menu, help, and the screens that lead back to it."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.messages import Choice, Reply
from bot.dialogs.router import on_payload


# (order, text key, payload): features add themselves with add_menu_item.
MAIN_ITEMS: list[tuple[int, str, str]] = [
    (10, "btn_browse", "browse"), (20, "btn_search", "search"), (30, "btn_my", "my"),
    (40, "btn_help", "help"),
]
MORE_ITEMS: list[tuple[int, str, str]] = [
    (10, "btn_settings", "set"), (90, "btn_link", "link"),
]


def add_menu_item(order: int, text_key: str, payload: str, where: str = "more") -> None:
    """Put a feature's entry on the main menu ("main") or under 更多服务 ("more")."""
    items = MAIN_ITEMS if where == "main" else MORE_ITEMS
    if all(p != payload for _, _, p in items):
        items.append((order, text_key, payload))
        items.sort()


def main_menu_choices(ctx: Context) -> tuple[Choice, ...]:
    """The main menu's choices: the first four always 服务菜单, 搜索, 我的报名, 帮助.

    Six at most, so the menu still fits one WeCom button card."""
    choices = [Choice(ctx.t(key), payload) for _, key, payload in MAIN_ITEMS]
    return tuple(choices + [Choice(ctx.t("btn_more"), "more")])


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


@on_payload("more")
def show_more(ctx: Context, args: list[str]) -> Reply:
    """更多服务: the features one step down from the main menu, a page at a time."""
    items = [Choice(ctx.t(key), payload) for _, key, payload in MORE_ITEMS]
    pages = page_count(len(items), ctx.settings.dialogs.page_size)
    page = clamp_page(args[0] if args else None, pages)
    choices, note = render_choices(ctx, items, page, lambda p: f"more:{p}", menu_button(ctx))
    return Reply(ctx.t("more_title") + note, tuple(choices))


@on_payload("help")
def show_help(ctx: Context, args: list[str]) -> Reply:
    """What one can type, in plain words, with the menu below."""
    return Reply(ctx.t("help"), main_menu_choices(ctx))
