"""Fuzzy course and category search that understands pinyin, initials and everyday words."""
from .index import SearchEntry, SearchHit, SearchIndex

__all__ = ["SearchEntry", "SearchHit", "SearchIndex"]
