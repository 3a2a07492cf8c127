"""The worker's one search index over the catalogue, shared by 搜索 and 有什么活动, with the course ids
behind each hit and the names of the communities (so a free-text turn reads none of them).

Kept current without rebuilding: a turn reads one version row; when only courses changed, the
courses edited since the last look are read and put into the index one by one
(`SearchIndex.upsert`, or `SearchIndex.remove` for a withdrawn course). New categories or venues,
or a course deleted outright, rebuild it.

Code that publishes or edits a course in this worker may apply it at once, after its commit:

    catalogue_search.course_changed(ctx, course)       # course: a store.models.Course

Other workers, and `linli import catalog`, are picked up on their next search turn.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Lock
from typing import Any

from sqlmodel import Session, select

from bot.dialogs.context import Context
from bot.search import SearchEntry, SearchIndex
from bot.heap import release_free_memory
from store.catalog import search_version, searchable_courses
from store.models import Category
from store.whatson import communities

CACHE_KEY = "catalogue.search"
# Courses edited this long before the last one seen are read again: a transaction that stamped
# its edit earlier may commit after a later one.
MARGIN = timedelta(minutes=5)
_lock = Lock()


@dataclass
class CatalogueIndex:
    """The index, what each hit stands for, the communities, and how far the courses were read."""

    index: SearchIndex
    categories: dict[int, tuple[str, str]]  # id → (name, section)
    courses: dict[str, tuple[int, int]] = field(default_factory=dict)  # active code → (id, category id)
    known: set[str] = field(default_factory=set)  # every course code read, active or not
    communities: list[str] = field(default_factory=list)
    version: tuple = ()
    seen: datetime | None = None  # the latest updated_at read

    def course_ids(self, kind: str, key: str) -> list[int]:
        """Ids of the active courses a hit stands for: the course, or every course of the category."""
        if kind == "course":
            found = self.courses.get(key)
            return [found[0]] if found else []
        category = int(key)
        return [course_id for course_id, category_id in self.courses.values() if category_id == category]

    def apply(self, row: Any) -> None:
        """Put one course (a row of store.catalog.searchable_courses) into the index, or take it out."""
        self.known.add(row.code)
        if row.active:
            self.index.upsert(course_entry(row, self.categories))
            self.courses[row.code] = (row.id, row.category_id)
        else:
            self.index.remove("course", row.code)
            self.courses.pop(row.code, None)
        if self.seen is None or row.updated_at > self.seen:
            self.seen = row.updated_at


def course_entry(row: Any, categories: dict[int, tuple[str, str]]) -> SearchEntry:
    """A course as a search entry: found by title, and by category, section, tags and teacher."""
    name = categories.get(row.category_id, ("", ""))[0]
    extra = " ".join(filter(None, [name, row.section, row.tags, row.teacher]))
    return SearchEntry("course", row.code, row.title, extra)


def build(session: Session, version: tuple) -> CatalogueIndex:
    """Read the whole catalogue into a new index."""
    categories = {c.id: (c.name, c.section) for c in session.exec(select(Category))}
    entries = [SearchEntry("category", str(cid), name, section) for cid, (name, section) in categories.items()]
    courses: dict[str, tuple[int, int]] = {}
    known: set[str] = set()
    seen = None
    for row in searchable_courses(session):
        known.add(row.code)
        if row.active:
            entries.append(course_entry(row, categories))
            courses[row.code] = (row.id, row.category_id)
        if seen is None or row.updated_at > seen:
            seen = row.updated_at
    # The rows are gone before the index is built: a worker's peak holds one of the two, not both.
    index = SearchIndex(entries)
    del entries
    built = CatalogueIndex(index, categories, courses, known, communities(session), version, seen)
    release_free_memory()
    return built


def catalogue_index(ctx: Context) -> CatalogueIndex:
    """The current index: as cached when nothing changed, brought up to date when courses did."""
    cache = ctx.services.cache
    version = search_version(ctx.session)
    current: CatalogueIndex | None = cache.get(CACHE_KEY)
    if current is not None and current.version == version:
        return current
    with _lock:
        current = cache.get(CACHE_KEY)
        if current is not None and current.version == version:
            return current
        if current is not None and current.version[2:] == version[2:] and current.seen is not None:
            for row in searchable_courses(ctx.session, since=current.seen - MARGIN):
                current.apply(row)
            if len(current.known) == version[0]:
                current.version = version
                return current
        cache[CACHE_KEY] = current = build(ctx.session, version)
    return current


def course_changed(ctx: Context, course: Any) -> None:
    """Apply one published, edited or withdrawn course to this worker's index now (after the commit)."""
    current: CatalogueIndex | None = ctx.services.cache.get(CACHE_KEY)
    if current is not None:
        with _lock:
            current.apply(course)
