"""Long lists split into screens of at most eight numbered choices, navigation included."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.dialogs.context import Context
from bot.messages import Choice

# The most numbered choices one screen shows, 上一页 / 下一页 / 返回 / 主菜单 included: more is
# more than an older person reads through on a phone, and more than a WeCom card holds.
MAX_CHOICES = 8


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


def page_bounds(total: int, fixed: int, size: int) -> list[tuple[int, int]]:
    """Where each page of total items starts and stops, beside `fixed` other choices (返回, 主菜单 …)
    and 上一页 / 下一页 where needed, so no screen has more than eight choices (nor more than size items)."""
    room = max(1, MAX_CHOICES - fixed)
    if total <= min(room, size):
        return [(0, total)]
    one_way = max(1, min(size, room - 1))   # the first and the last page: one of 上一页 / 下一页
    both = max(1, min(size, room - 2))      # the pages between: both
    bounds, start = [(0, one_way)], one_way
    while start < total:
        take = one_way if total - start <= one_way else both
        bounds.append((start, min(total, start + take)))
        start += take
    return bounds


def render_choices(ctx: Context, items: Sequence[Choice], page: int,
                   page_payload: Callable[[int], str], back: Choice | None,
                   size: int | None = None, tail: Sequence[Choice] = ()) -> tuple[list[Choice], str]:
    """One screen of items plus navigation, back and tail (such as 主菜单), eight choices at most;
    returns the choices and a page note ('' on one page)."""
    bounds = page_bounds(len(items), (1 if back is not None else 0) + len(tail),
                         size or ctx.settings.dialogs.page_size)
    page = min(max(page, 1), len(bounds))
    start, stop = bounds[page - 1]
    choices = list(items[start:stop])
    if page < len(bounds):
        choices.append(Choice(ctx.t("btn_next"), page_payload(page + 1)))
    if page > 1:
        choices.append(Choice(ctx.t("btn_prev"), page_payload(page - 1)))
    if back is not None:
        choices.append(back)
    choices.extend(tail)
    note = ctx.t("page_info", page=page, pages=len(bounds)) if len(bounds) > 1 else ""
    return choices, note


def page_of(ctx: Context, total: int, page: int | str | None, fixed: int,
            size: int | None = None) -> tuple[int, slice]:
    """The page shown (kept in range) and the slice of the items on it, for text beside the choices."""
    bounds = page_bounds(total, fixed, size or ctx.settings.dialogs.page_size)
    page = clamp_page(page, len(bounds))
    return page, slice(*bounds[page - 1])


def paged(ctx: Context, items: Sequence[Choice], page: int | None, page_payload: Callable[[int], str],
          back: Choice | None, tail: Sequence[Choice] = ()) -> tuple[list[Choice], str]:
    """One screen of a long list; the page number travels in the button."""
    return render_choices(ctx, items, clamp_page(page, 10 ** 6), page_payload, back, tail=tail)
