"""Which courses a subject typed with a time word means ("周六的太极" → the 太极 courses)."""
from __future__ import annotations

from bot.dialogs.catalogue_search import catalogue_index
from bot.dialogs.context import Context

HITS = 60


def courses_about(ctx: Context, subject: str) -> set[int]:
    """Ids of the active courses a subject finds (by title, category, tags, teacher, pinyin …)."""
    current = catalogue_index(ctx)
    found: set[int] = set()
    for hit in current.index.search(subject, limit=HITS):
        found.update(current.course_ids(hit.kind, hit.key))
    return found
