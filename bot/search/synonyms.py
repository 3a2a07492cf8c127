"""The synonym table: everyday words residents type → words used in the catalogue."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "synonyms.toml"


def parse_synonyms(data: dict) -> dict[str, list[str]]:
    """Turn the parsed TOML document into {word: [catalogue words]}, skipping empty rows."""
    table = data.get("synonyms", {})
    if not isinstance(table, dict):
        raise ValueError("[synonyms] must be a table")
    out: dict[str, list[str]] = {}
    for word, targets in table.items():
        if isinstance(targets, str):
            targets = [targets]
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise ValueError(f"synonyms for {word!r} must be a string or a list of strings")
        targets = [t.strip() for t in targets if t.strip() and t.strip() != word.strip()]
        if word.strip() and targets:
            out[word.strip()] = targets
    return out


def load_synonyms(path: Path | str | None = None) -> dict[str, list[str]]:
    """Read a synonym table from TOML; the packaged table when no path is given."""
    if path is None:
        return {word: list(targets) for word, targets in _packaged().items()}
    with open(path, "rb") as f:
        return parse_synonyms(tomllib.load(f))


@lru_cache(maxsize=1)
def _packaged() -> dict[str, list[str]]:
    with open(TABLE_PATH, "rb") as f:
        return parse_synonyms(tomllib.load(f))
