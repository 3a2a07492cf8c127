"""Browsing the service menu: sections → categories → courses."""
from __future__ import annotations

from bot.dialogs.context import Context
from bot.dialogs.courses.callbacks import Browse, CategoryPage, CoursePage, SectionPage
from bot.dialogs.links import WatchCategory
from bot.dialogs.menus import menu_button
from bot.dialogs.paging import render_choices
from bot.dialogs.router import Load, Router
from bot.messages import Choice, Reply
from store.catalog import categories_in, courses_in
from store.units import nearness
from store.whatson import home_unit_of
from store.models import Category
from store.models.catalog import SECTIONS

router = Router("courses.browse")
router.menu(10, "btn_browse", Browse, where="main")
router.keywords({"服务菜单", "/browse"}, Browse)
for _name in SECTIONS:  # 文化 / 体育 / 艺术 typed anywhere opens the section
    router.keywords({_name, f"{_name}类"}, SectionPage(_name))


@router.payload(Browse, on_behalf=True)
def show_sections(ctx: Context, data: Browse | None = None) -> Reply:
    """文化 / 体育 / 艺术."""
    choices = [Choice(name, SectionPage(name).pack()) for name in SECTIONS]
    return Reply(ctx.t("sections_title"), tuple(choices + [menu_button(ctx)]), replaceable=True)


@router.payload(SectionPage, on_behalf=True)
def show_categories(ctx: Context, data: SectionPage) -> Reply:
    """The categories of one section, a page at a time."""
    section = data.section
    if section not in SECTIONS:
        return show_sections(ctx)
    items = [Choice(ctx.t("category_label", name=cat.name, n=cat.courses), CategoryPage(cat.id).pack())
             for cat in categories_in(ctx.session, section)]
    choices, note = render_choices(ctx, items, data.page or 1, lambda p: SectionPage(section, p).pack(),
                                   Choice(ctx.t("btn_back"), Browse().pack()), tail=(menu_button(ctx),))
    text = ctx.t("categories_title", section=section) + note
    return Reply(text, tuple(choices), replaceable=True)


def _category(ctx: Context, data: CategoryPage) -> Category | None:
    return ctx.session.get(Category, data.category)


@router.payload(CategoryPage, load=Load(_category, missing=show_sections), on_behalf=True)
def show_courses(ctx: Context, data: CategoryPage, category: Category) -> Reply:
    """The courses of one category, a page at a time."""
    courses = courses_in(ctx.session, category.id)
    back = Choice(ctx.t("btn_back"), SectionPage(category.section).pack())
    if not courses:
        return Reply(ctx.t("no_courses", category=category.name),
                     (Choice(ctx.t("btn_watch_category"), WatchCategory(category.id).pack()), back, menu_button(ctx)),
                     replaceable=True)
    # 我家门口 first: courses of the resident's 服务点, then of their 分馆, then the rest.
    near = nearness(ctx.session, home_unit_of(ctx.session, ctx.resident_id))
    courses = sorted(courses, key=lambda c: near(c.unit_id))
    items = [Choice(c.title + (ctx.t("units_near_mark") if near(c.unit_id) == 0 else ""), CoursePage(c.code).pack())
             for c in courses]
    watch = Choice(ctx.t("btn_watch_category"), WatchCategory(category.id).pack())
    choices, note = render_choices(ctx, items, data.page or 1, lambda p: CategoryPage(category.id, p).pack(), back,
                                   tail=(watch, menu_button(ctx)))
    text = ctx.t("courses_title", category=category.name, count=len(courses)) + note
    return Reply(text, tuple(choices), replaceable=True)
