"""Toneless pinyin of Chinese text from each character's usual reading and a small phrase table.

pypinyin's phrase dictionary costs a worker about 45 MB, yet only a few thousand of its phrases
read differently from their characters (重阳 chong, 乐器 yue, 银行 hang, 长青 chang). Those ship in
bot/data/pinyin_phrases.txt with their syllables, read at import; every other character gets
pypinyin's single-character reading, and the phrase dictionary is never loaded. The file also
lists, without syllables, the two-character words that end where such a phrase begins (快乐 before
乐舞), so that 快乐舞蹈 is cut as pypinyin cuts it: 快乐 / 舞 / 蹈, not 快 / 乐舞 / 蹈.

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
    """The phrase table: phrase → its toneless syllables, one per character; () for a word read
    character by character, listed only to be cut whole."""
    table: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        phrase, *sylls = line.split()
        if len(phrase) > 1 and len(sylls) in (0, len(phrase)):
            table[phrase] = tuple(sylls)
    return table


_TABLE = load_table()
_LONGEST: dict[str, int] = {}  # first character → length of its longest phrase
for _phrase in _TABLE:
    _LONGEST[_phrase[0]] = max(_LONGEST.get(_phrase[0], 0), len(_phrase))
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
    chars = _CHARS
    i, n = 0, len(run)
    while i < n:
        ch = run[i]
        longest = _LONGEST.get(ch)
        if longest:
            for j in range(min(n, i + longest), i + 1, -1):
                found = _TABLE.get(run[i:j])
                if found is not None:
                    out.extend(found or [chars.get(c) or char_reading(c) for c in run[i:j]])
                    i = j
                    break
            else:
                out.append(chars.get(ch) or char_reading(ch))
                i += 1
        else:
            out.append(chars.get(ch) or char_reading(ch))
            i += 1
    return out


def build_table() -> list[str]:
    """Lines of the table from pypinyin's full phrase dictionary: the phrases not read char by char,
    then the two-character words that would otherwise be cut apart by one of them."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.phrases_dict import phrases_dict

    read: dict[str, list[str]] = {}
    for phrase, readings in sorted(phrases_dict.items()):
        sylls = [to_normal(r[0], v_to_u=False) for r in readings]
        if len(sylls) == len(phrase) > 1 and sylls != [char_reading(ch) for ch in phrase]:
            read[phrase] = sylls
    starts = {phrase[0] for phrase in read}
    cut = sorted(w for w in phrases_dict if len(w) == 2 and w not in read and w[1] in starts)
    return [" ".join([phrase, *sylls]) for phrase, sylls in read.items()] + cut


if __name__ == "__main__":
    sys.stdout.write("\n".join(build_table()) + "\n")
