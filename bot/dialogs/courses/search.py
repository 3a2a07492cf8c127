"""搜索: free text finds courses and categories, best first, as choices."""
from __future__ import annotations

from sqlmodel import select

from bot.dialogs.catalogue_search import catalogue_index
from bot.dialogs.context import Context
from bot.dialogs.courses.browse import show_courses
from bot.dialogs.courses.callbacks import CategoryPage, CoursePage, Search
from bot.dialogs.links import whats_on_for_text
from bot.dialogs.menus import main_menu_choices, menu_button
from bot.dialogs.paging import MAX_CHOICES
from bot.dialogs.router import Router
from bot.messages import Choice, Reply
from store.models import Category

EXPECT_QUERY = "search"

router = Router("courses.search")
router.menu(20, "btn_search", Search, where="main")
router.keywords({"搜索", "/search", "查找"}, Search)


@router.payload(Search, on_behalf=True)
def ask_for_query(ctx: Context, data: Search) -> Reply:
    """Ask what to look for."""
    ctx.expect = EXPECT_QUERY
    return Reply(ctx.t("search_prompt"), (menu_button(ctx),))


@router.fallback
@router.state(EXPECT_QUERY, on_behalf=True)
def search(ctx: Context, text: str) -> Reply:
    """Show the best matches for what the resident typed (any free text no step expects, too);
    a time word or a community's name ("周六的太极", "幸福社区") shows what is on then and there."""
    category = _category_named(ctx, text)
    if category is not None:  # a category's name typed anywhere opens it
        return show_courses(ctx, CategoryPage(category.id), category)
    current = catalogue_index(ctx)
    whats_on = whats_on_for_text(ctx.session, text, current.communities)
    if whats_on is not None:
        return ctx.services.routes.dispatch(ctx, whats_on) or []
    # One place is kept for 主菜单: eight choices at most on a screen.
    limit = min(ctx.settings.dialogs.search_limit, MAX_CHOICES - 1)
    hits = current.index.search(text, limit=limit)
    if not hits:
        return Reply(ctx.t("search_none", query=text[:20]), main_menu_choices(ctx))
    choices = [
        Choice(ctx.t("search_category", name=h.title), CategoryPage(int(h.key)).pack()) if h.kind == "category"
        else Choice(h.title, CoursePage(h.key).pack())
        for h in hits
    ]
    return Reply(ctx.t("search_results"), tuple(choices + [menu_button(ctx)]))


def _category_named(ctx: Context, text: str) -> Category | None:
    """The category whose name is exactly what was typed (spaces aside), or None."""
    name = "".join(text.split())
    if not name or len(name) > 20:
        return None
    return ctx.session.exec(select(Category).where(Category.name == name)).first()
