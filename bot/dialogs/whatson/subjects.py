"""Which courses a subject typed with a time word means ("周六的太极" → the 太极 courses)."""
from __future__ import annotations

from threading import Lock

from sqlmodel import select

from bot.dialogs.context import Context
from bot.search import SearchEntry, SearchIndex
from store.catalog import catalogue_version
from store.models import Category, Course

CACHE_KEY = "whatson.subjects"
HITS = 60
_build_lock = Lock()


def _index(ctx: Context) -> tuple[SearchIndex, dict[str, list[int]]]:
    """The search index of active courses and categories, and course ids by hit key, per catalogue."""
    version = catalogue_version(ctx.session)
    cached = ctx.services.cache.get(CACHE_KEY)
    if cached and cached[0] == version:
        return cached[1], cached[2]
    with _build_lock:
        categories = {c.id: c for c in ctx.session.exec(select(Category))}
        courses = list(ctx.session.exec(select(Course).where(Course.active == True)))  # noqa: E712
        entries = [SearchEntry("category", str(c.id), c.name, c.section) for c in categories.values()]
        ids: dict[str, list[int]] = {}
        for course in courses:
            category = categories.get(course.category_id)
            extra = " ".join(filter(None, [category.name if category else "", course.section,
                                           course.tags, course.teacher]))
            entries.append(SearchEntry("course", course.code, course.title, extra))
            ids[f"course:{course.code}"] = [course.id]
            ids.setdefault(f"category:{course.category_id}", []).append(course.id)
        index = SearchIndex(entries)
        ctx.services.cache[CACHE_KEY] = (version, index, ids)
    return index, ids


def courses_about(ctx: Context, subject: str) -> set[int]:
    """Ids of the active courses a subject finds (by title, category, tags, teacher, pinyin …)."""
    index, ids = _index(ctx)
    found: set[int] = set()
    for hit in index.search(subject, limit=HITS):
        found.update(ids.get(f"{hit.kind}:{hit.key}", []))
    return found
