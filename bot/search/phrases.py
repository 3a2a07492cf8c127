"""Toneless pinyin of Chinese text from each character's usual reading and a small phrase table.

pypinyin's phrase dictionary costs a worker about 45 MB, yet only a few thousand of its phrases
read differently from their characters (重阳 chong, 乐器 yue, 银行 hang, 长青 chang). Those ship in
bot/data/pinyin_phrases.txt with their syllables, read at import. The file also lists, without
syllables, the two-character words that end where such a phrase begins (快乐 before 乐舞), so that
快乐舞蹈 is cut as pypinyin cuts it: 快乐 / 舞 / 蹈, not 快 / 乐舞 / 蹈.

Every other character gets pypinyin's single-character reading, shipped in bot/data/pinyin_chars.txt
(a syllable, then every character whose usual reading it is) and kept as arrays of syllable numbers:
pypinyin itself, about 15 MB loaded, is imported only to write the two files.

Regenerate both after upgrading pypinyin:

    python -m bot.search.phrases chars > bot/data/pinyin_chars.txt
    python -m bot.search.phrases > bot/data/pinyin_phrases.txt
"""
from __future__ import annotations

import os
import sys
from array import array
from bisect import bisect_left
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
TABLE_PATH = DATA / "pinyin_phrases.txt"
CHARS_PATH = DATA / "pinyin_chars.txt"
# The CJK block (with Extension A) holds almost every character a title uses: one slot per code point.
BLOCK_START, BLOCK_END = 0x3400, 0xA000


class CharReadings:
    """Each character's usual toneless reading, as pypinyin gives it, from the shipped file."""

    def __init__(self, path: Path = CHARS_PATH):
        self.syllables = [""]  # number 0: no reading
        self.block = array("H", bytes(2 * (BLOCK_END - BLOCK_START)))
        others: list[tuple[int, int]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            syllable, chars = line.split(" ", 1)
            number = len(self.syllables)
            self.syllables.append(sys.intern(syllable))
            for ch in chars:
                code = ord(ch)
                if BLOCK_START <= code < BLOCK_END:
                    self.block[code - BLOCK_START] = number
                else:
                    others.append((code, number))
        others.sort()
        self.other_codes = array("I", (code for code, _ in others))
        self.other_numbers = array("H", (number for _, number in others))

    def of(self, ch: str) -> str:
        """The usual toneless reading of one character; a character without one reads as itself."""
        code = ord(ch)
        if BLOCK_START <= code < BLOCK_END:
            return self.syllables[self.block[code - BLOCK_START]] or ch
        at = bisect_left(self.other_codes, code)
        if at < len(self.other_codes) and self.other_codes[at] == code:
            return self.syllables[self.other_numbers[at]]
        return ch


def load_table(path: Path = TABLE_PATH) -> dict[str, tuple[str, ...]]:
    """The phrase table: phrase → its toneless syllables, one per character; () for a word read
    character by character, listed only to be cut whole."""
    table: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        phrase, *sylls = line.split()
        if len(phrase) > 1 and len(sylls) in (0, len(phrase)):
            table[phrase] = tuple(map(sys.intern, sylls))  # some 400 syllables, shared by all phrases
    return table


_TABLE = load_table()
_LONGEST: dict[str, int] = {}  # first character → length of its longest phrase
for _phrase in _TABLE:
    _LONGEST[_phrase[0]] = max(_LONGEST.get(_phrase[0], 0), len(_phrase))
char_reading = CharReadings().of


def reading(run: str) -> list[str]:
    """Toneless syllables of a run of Chinese characters; the longest table phrase wins at each place."""
    out: list[str] = []
    i, n = 0, len(run)
    while i < n:
        ch = run[i]
        longest = _LONGEST.get(ch)
        if longest:
            for j in range(min(n, i + longest), i + 1, -1):
                found = _TABLE.get(run[i:j])
                if found is not None:
                    out.extend(found or [char_reading(c) for c in run[i:j]])
                    i = j
                    break
            else:
                out.append(char_reading(ch))
                i += 1
        else:
            out.append(char_reading(ch))
            i += 1
    return out


def pypinyin_reading():
    """pypinyin's reading of one character, without its phrase dictionary: what the files ship."""
    # Must be set before pypinyin is first imported: it then skips its phrase dictionary and the
    # copy of its character dictionary.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import lazy_pinyin
    return lambda ch: lazy_pinyin(ch)[0]


def build_chars() -> list[str]:
    """Lines of the character file from pypinyin's character dictionary: a syllable, then every
    character it is the usual reading of, in code point order."""
    from pypinyin.pinyin_dict import pinyin_dict

    read = pypinyin_reading()
    chars: dict[str, list[str]] = {}
    for code in sorted(pinyin_dict):
        ch = chr(code)
        syllable = read(ch)
        if syllable != ch:
            chars.setdefault(syllable, []).append(ch)
    return [f"{syllable} {''.join(found)}" for syllable, found in sorted(chars.items())]


def build_table() -> list[str]:
    """Lines of the table from pypinyin's full phrase dictionary: the phrases not read char by char,
    then the two-character words that would otherwise be cut apart by one of them."""
    read = pypinyin_reading()
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.phrases_dict import phrases_dict

    table: dict[str, list[str]] = {}
    for phrase, readings in sorted(phrases_dict.items()):
        sylls = [to_normal(r[0], v_to_u=False) for r in readings]
        if len(sylls) == len(phrase) > 1 and sylls != [read(ch) for ch in phrase]:
            table[phrase] = sylls
    starts = {phrase[0] for phrase in table}
    cut = sorted(w for w in phrases_dict if len(w) == 2 and w not in table and w[1] in starts)
    return [" ".join([phrase, *sylls]) for phrase, sylls in table.items()] + cut


if __name__ == "__main__":
    lines = build_chars() if sys.argv[1:] == ["chars"] else build_table()
    sys.stdout.write("\n".join(lines) + "\n")
