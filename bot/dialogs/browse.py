"""Browsing the service menu: sections → categories → courses."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import clamp_page, page_count, render_choices
from bot.messages import Choice, Reply
from bot.dialogs.legacy import add_menu_item, on_payload
from store.catalog import categories_in, courses_in
from store.models import Category
from store.models.catalog import SECTIONS

add_menu_item(10, "btn_browse", "browse", where="main")


@on_payload("browse")
def show_sections(ctx: Context, args: list[str]) -> Reply:
    """文化 / 体育 / 艺术."""
    choices = [Choice(name, f"sec:{name}") for name in SECTIONS]
    return Reply(ctx.t("sections_title"), tuple(choices + [menu_button(ctx)]))


@on_payload("sec")
def show_categories(ctx: Context, args: list[str]) -> Reply:
    """The categories of one section, a page at a time."""
    section = args[0] if args and args[0] in SECTIONS else None
    if section is None:
        return show_sections(ctx, [])
    rows = [(cat, n) for cat, n in categories_in(ctx.session, section) if n > 0]
    items = [Choice(f"{cat.name}（{n}）", f"cat:{cat.id}") for cat, n in rows]
    pages = page_count(len(items), ctx.settings.dialogs.page_size)
    page = clamp_page(args[1] if len(args) > 1 else None, pages)
    choices, note = render_choices(ctx, items, page, lambda p: f"sec:{section}:{p}",
                                   Choice(ctx.t("btn_back"), "browse"))
    text = ctx.t("categories_title", section=section) + note
    return Reply(text, tuple(choices + [menu_button(ctx)]))


@on_payload("cat")
def show_courses(ctx: Context, args: list[str]) -> Reply:
    """The courses of one category, a page at a time."""
    category = ctx.session.get(Category, int(args[0])) if args and args[0].isdigit() else None
    if category is None:
        return show_sections(ctx, [])
    courses = courses_in(ctx.session, category.id)
    back = Choice(ctx.t("btn_back"), f"sec:{category.section}")
    if not courses:
        return Reply(ctx.t("no_courses", category=category.name), (back, menu_button(ctx)))
    items = [Choice(c.title, f"crs:{c.code}") for c in courses]
    pages = page_count(len(items), ctx.settings.dialogs.page_size)
    page = clamp_page(args[1] if len(args) > 1 else None, pages)
    choices, note = render_choices(ctx, items, page, lambda p: f"cat:{category.id}:{p}", back)
    text = ctx.t("courses_title", category=category.name, count=len(courses)) + note
    return Reply(text, tuple(choices + [menu_button(ctx)]))
