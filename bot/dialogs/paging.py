"""Long lists split into screens of at most page_size choices, with next/previous and back."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.dialogs.context import Context
from bot.messages import Choice


def page_count(total: int, size: int) -> int:
    """Screens needed for total items (at least one)."""
    return max(1, -(-total // size))


def clamp_page(raw: int | str | None, pages: int) -> int:
    """A page number from a button, kept inside 1..pages."""
    try:
        page = int(raw or 1)
    except ValueError:
        page = 1
    return min(max(page, 1), pages)


def render_choices(ctx: Context, items: Sequence[Choice], page: int,
                   page_payload: Callable[[int], str], back: Choice | None,
                   size: int | None = None) -> tuple[list[Choice], str]:
    """One screen of items (size of them, page_size unless given) plus navigation; returns the
    choices and a page note ('' on one page)."""
    size = size or ctx.settings.dialogs.page_size
    pages = page_count(len(items), size)
    page = min(max(page, 1), pages)
    choices = list(items[(page - 1) * size: page * size])
    if page < pages:
        choices.append(Choice(ctx.t("btn_next"), page_payload(page + 1)))
    if page > 1:
        choices.append(Choice(ctx.t("btn_prev"), page_payload(page - 1)))
    if back is not None:
        choices.append(back)
    note = ctx.t("page_info", page=page, pages=pages) if pages > 1 else ""
    return choices, note


def paged(ctx: Context, items: Sequence[Choice], page: int | None, page_payload: Callable[[int], str],
          back: Choice | None) -> tuple[list[Choice], str]:
    """One screen of a long list; the page number travels in the button."""
    return render_choices(ctx, items, clamp_page(page, page_count(len(items), ctx.settings.dialogs.page_size)),
                          page_payload, back)
