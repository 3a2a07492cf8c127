"""Toneless pinyin of Chinese text from each character's usual reading and a small phrase table.

pypinyin's phrase dictionary costs a worker about 45 MB, yet only a few thousand of its phrases
read differently from their characters (重阳 chong, 乐器 yue, 银行 hang, 长青 chang). Those ship in
bot/data/pinyin_phrases.txt, read at import; every other character gets pypinyin's single-character
reading, and the phrase dictionary is never loaded.

Regenerate the table after upgrading pypinyin:

    python -m bot.search.phrases > bot/data/pinyin_phrases.txt
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

# Must be set before pypinyin is first imported: it then skips its phrase dictionary and the
# copy of its character dictionary.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin import lazy_pinyin  # noqa: E402

TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "pinyin_phrases.txt"


def load_table(path: Path = TABLE_PATH) -> dict[str, tuple[str, ...]]:
    """The phrase table: phrase → its toneless syllables, one per character."""
    table: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        phrase, *sylls = line.split()
        if len(sylls) == len(phrase) > 1:
            table[phrase] = tuple(sylls)
    return table


_TABLE = load_table()
_LONGEST = max(map(len, _TABLE), default=1)
_FIRSTS = frozenset(phrase[0] for phrase in _TABLE)
_CHARS: dict[str, str] = {}


def char_reading(ch: str) -> str:
    """The usual toneless reading of one character."""
    found = _CHARS.get(ch)
    if found is None:
        found = _CHARS[ch] = lazy_pinyin(ch)[0]
    return found


def reading(run: str) -> list[str]:
    """Toneless syllables of a run of Chinese characters; the longest table phrase wins at each place."""
    out: list[str] = []
    i, n = 0, len(run)
    while i < n:
        if run[i] in _FIRSTS:
            for j in range(min(n, i + _LONGEST), i + 1, -1):
                found = _TABLE.get(run[i:j])
                if found:
                    out.extend(found)
                    i = j
                    break
            else:
                out.append(char_reading(run[i]))
                i += 1
        else:
            out.append(char_reading(run[i]))
            i += 1
    return out


def build_table() -> list[str]:
    """Lines of the table from pypinyin's full phrase dictionary: the phrases not read char by char."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.phrases_dict import phrases_dict

    lines = []
    for phrase, readings in sorted(phrases_dict.items()):
        sylls = [to_normal(r[0], v_to_u=False) for r in readings]
        if len(sylls) == len(phrase) > 1 and sylls != [char_reading(ch) for ch in phrase]:
            lines.append(" ".join([phrase, *sylls]))
    return lines


if __name__ == "__main__":
    sys.stdout.write("\n".join(build_table()) + "\n")
